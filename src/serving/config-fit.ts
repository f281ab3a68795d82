import { errors } from '../core/errors.js';
import type { ModelConfig } from '../core/config.js';
import type { ModelMetadata } from '../core/inference.js';

/**
 * berth.yaml's names must fit the model they describe, checked when the model loads: 3 feature
 * names for a 4-column input made every /predict a 400 behind a ready pod, and 2 labels for 3
 * classes were silently replaced by "0", "1", "2".
 */
export function checkConfigFits(model: ModelMetadata, config: ModelConfig): void {
  const [input] = model.inputs;
  const columns = model.inputs.length === 1 && input!.shape.length === 2 ? input!.shape[1]! : -1;
  if (config.features && columns > 0 && config.features.length !== columns) {
    throw errors.configModelMismatch(
      model.name,
      `model.features names ${config.features.length} features but input \`${input!.name}\` has ${columns} columns; name one feature per column, in column order`,
    );
  }
  const classes = model.classifier?.classes;
  if (config.labels && classes && config.labels.length !== classes.length) {
    throw errors.configModelMismatch(
      model.name,
      `model.labels names ${config.labels.length} labels but the model has ${classes.length} classes (${classes.join(', ')}); name one label per class, in class order`,
    );
  }
}
