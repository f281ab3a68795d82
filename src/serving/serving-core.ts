import { DataPlane } from './data-plane.js';
import type { LoopSlices } from './loop-slices.js';
import { ModelManager, type ModelManagerOptions } from './model-manager.js';
import { ModelSet } from './model-set.js';

/** The serving core without any transport: the models, the data plane over them, and what loads them. */
export interface ServingCore {
  dataplane: DataPlane;
  manager: ModelManager;
}

/**
 * The one composition of the serving core, used by `berth serve` (serve/start-server.ts) and by
 * `berth import`'s in-process model alike: a model set whose versions the manager makes with the
 * given runtime factory, and the data plane every dialect calls (pacing its work by `slices`, the
 * request gate's, where there is one).
 */
export function createServingCore(options: ModelManagerOptions, slices?: LoopSlices): ServingCore {
  const dataplane = new DataPlane(new ModelSet(), options.settings, slices);
  return { dataplane, manager: new ModelManager(dataplane, options) };
}
