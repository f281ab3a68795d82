import { defaultsOf, settingsSchema, type Settings } from './config/schema.js';

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Every default Berth uses, in one object. It comes from the config schema (core/config/schema.ts
 * and its sections), where each setting stands next to its doc, flag and variable, and each fixed
 * tunable next to the reason for its value. Nothing else in the code base hard-codes a tunable
 * number: read it here, or from a resolved config whose values start here.
 */
export const defaults: DeepReadonly<Settings> = deepFreeze(defaultsOf(settingsSchema));

export type Defaults = typeof defaults;
