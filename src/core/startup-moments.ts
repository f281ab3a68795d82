/**
 * Emitted on `process` just before the start-up GC drops the code start-up compiled
 * (src/serve/startup-garbage.ts): the bundle loader (src/cli/bundle-loader.ts, outside the bundle)
 * writes its code cache then, while what start-up ran is still compiled.
 */
export const beforeStartupFlush = 'berth:before-startup-flush';
