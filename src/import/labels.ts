import { errors } from '../core/errors.js';

/**
 * Class names for berth.yaml `labels`, in the model's class order (pure):
 *  - --labels, when given (one per class);
 *  - the classes themselves when they are names already (a model fitted on string targets);
 *  - names read from the sample's target column when the model's classes are numbers: each class
 *    takes the name the target column holds most often on the rows the original model assigns to
 *    it, accepted only when that pairs every class with a different name.
 * Otherwise none: /predict then answers with the class numbers.
 */
export interface LabelChoice {
  labels?: string[];
  /** How they were chosen, for the report. */
  source: 'flag' | 'model' | 'sample' | 'none';
  detail?: string;
}

export function chooseLabels(
  classes: Array<number | string>,
  given: string[] | undefined,
  predicted: Array<number | string> | undefined,
  target: { name: string; values: string[] } | null | undefined,
): LabelChoice {
  if (given) {
    if (given.length !== classes.length)
      throw errors.badUsage(
        `--labels names ${given.length} classes, but the model has ${classes.length} (${classes.join(', ')})`,
      );
    return { labels: given, source: 'flag' };
  }
  if (classes.some((label) => typeof label === 'string')) return { labels: classes.map(String), source: 'model' };
  if (!target || !predicted || target.values.every((value) => value.trim() === '' || Number.isFinite(Number(value))))
    return { source: 'none' };
  const counts = classes.map(() => new Map<string, number>());
  const position = new Map(classes.map((label, index) => [String(label), index]));
  predicted.forEach((label, row) => {
    const index = position.get(String(label));
    const name = target.values[row];
    if (index !== undefined && name !== undefined && name !== '')
      counts[index]!.set(name, (counts[index]!.get(name) ?? 0) + 1);
  });
  const names = counts.map((byName) => [...byName.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]);
  if (names.some((name) => name === undefined) || new Set(names).size !== names.length)
    return {
      source: 'none',
      detail: `the sample's \`${target.name}\` column does not pair each class with one name; pass --labels`,
    };
  const agreeing = predicted.filter(
    (label, row) => names[position.get(String(label)) ?? -1] === target.values[row],
  ).length;
  return {
    labels: names as string[],
    source: 'sample',
    detail: `named after the sample's \`${target.name}\` column, which the original model's classes match on ${agreeing} of ${predicted.length} rows; --labels names them otherwise`,
  };
}
