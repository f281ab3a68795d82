/**
 * Where things are in a build context written by `berth build`, and where they go in the image.
 * The Dockerfile generator, the .dockerignore and the context writer all read these names.
 *
 *   Dockerfile, .dockerignore
 *   berth-build.json     what was built from what (not copied into the image)
 *   berth-check.mjs      run by the build stage only
 *   app/                 package.json, package-lock.json, dist/, proto/, node_modules/ (pruned)
 *   model/               model.onnx, berth.yaml, the files berth.yaml names, berth-version.json
 */
export const contextLayout = {
  dockerfile: 'Dockerfile',
  dockerignore: '.dockerignore',
  buildInfo: 'berth-build.json',
  checkScript: 'berth-check.mjs',
  app: 'app',
  model: 'model',
  modelFile: 'model.onnx',
  modelConfig: 'berth.yaml',
} as const;

/** Paths inside the image. */
export interface ImageLayout {
  /** Berth's folder (`/app`): dist/, node_modules/, proto/, package.json, model/. */
  appDir: string;
  /** node in both base images (the official `node:` images and berth-base put it here). */
  nodePath: string;
}

export const modelDirIn = (layout: ImageLayout) => `${layout.appDir}/${contextLayout.model}`;
export const cliPathIn = (layout: ImageLayout) => `${layout.appDir}/dist/cli/bin.js`;
