import { contextLayout } from './context-layout.js';

/**
 * The build context's .dockerignore: an allow-list, so nothing else that ends up in the folder
 * (editor files, a stray .env, a previous build's output) is sent to the engine or can be copied
 * into a layer by a later edit of the Dockerfile.
 */
export function generateDockerignore(): string {
  return [
    '# Written by `berth build`. Only what the Dockerfile copies is sent to the build.',
    '*',
    `!${contextLayout.app}/`,
    `!${contextLayout.model}/`,
    `!${contextLayout.checkScript}`,
    '# Never needed at run time (berth build leaves them out already; this keeps it so).',
    '**/*.map',
    '**/*.d.ts',
    '',
  ].join('\n');
}
