import { Document, isSeq } from 'yaml';

/**
 * The berth.yaml written beside an imported model (pure). Only keys the server reads: the model's
 * name, feature names (the named-feature dialect), class names (labels in answers), whether it
 * takes missing values (JSON null as NaN), and the drift reference. What kind of model it is and where it came from go in the header comment.
 */
export interface BerthYamlFacts {
  name: string;
  features?: string[];
  labels?: string[];
  /** The model handles missing values (NaN): trees that learnt them, imputers, XGBoost, LightGBM. */
  allowMissing?: boolean;
  /** Reference CSV beside the file (monitoring.reference). */
  reference?: string;
  /** Comment lines (without `#`). */
  header: string[];
}

export function berthYamlObject(facts: BerthYamlFacts): Record<string, unknown> {
  const model: Record<string, unknown> = { name: facts.name };
  if (facts.features) model.features = facts.features;
  if (facts.labels) model.labels = facts.labels;
  if (facts.allowMissing) model.allowMissing = true;
  return { model, ...(facts.reference ? { monitoring: { reference: facts.reference } } : {}) };
}

export function berthYamlText(facts: BerthYamlFacts): string {
  const document = new Document(berthYamlObject(facts));
  for (const key of ['features', 'labels']) {
    const node = document.getIn(['model', key], true);
    if (isSeq(node)) node.flow = true;
  }
  document.commentBefore = facts.header.map((line) => ` ${line}`).join('\n');
  return document.toString({ lineWidth: 0 });
}
