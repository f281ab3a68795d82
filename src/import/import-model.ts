import { rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeArtifactKind, detectArtifactKind } from '../core/artifact-kind.js';
import { defaults } from '../core/defaults.js';
import { errors } from '../core/errors.js';
import { paritySummary, type ParityReport, type ParityTolerance } from '../core/parity-report.js';
import { registerModel, type DescribeModel } from '../registry/index.js';
import { checkModelName } from '../registry/layout.js';
import { berthYamlObject, berthYamlText } from './berth-yaml.js';
import type { HelperSuccess, Precision } from './helper-result.js';
import { chooseLabels, type LabelChoice } from './labels.js';
import { compareOutputs } from './parity.js';
import { checkOutputFolder, defaultName, importFiles, writeOutputFolder } from './output-folder.js';
import { problemError } from './problems.js';
import { runHelper } from './python-helper.js';
import { loadServedModel } from './served-model.js';

export interface ImportOptions {
  /** A pickle/joblib file, an XGBoost (.json, .ubj) or LightGBM (.txt) model, or an .onnx file. */
  artifact: string;
  /** CSV of rows (header row first): the parity rows, and the drift reference. */
  sample?: string;
  name?: string;
  /** Output folder; default: a folder named after the model beside the artifact. */
  out?: string;
  /** The Python to run (the training environment's); default python3 on PATH. */
  python?: string;
  tolerance?: ParityTolerance;
  /** Feature names in the model's column order (for a model fitted on an unnamed array). */
  features?: string[];
  /** Class names in the model's class order. */
  labels?: string[];
  precision?: Precision;
  /** Register the result (and its parity report and reference profile) in this repository. */
  register?: { repository: string; describe: DescribeModel };
  /** Told once, before the artifact is opened, what opening it means. */
  notice?: (text: string) => void;
  /** Where the helper runs (the user's folder: a pickle may import the user's own modules). */
  cwd?: string;
}

export interface ImportResult {
  name: string;
  out: string;
  files: string[];
  notice: string;
  features?: string[];
  labels: LabelChoice;
  report: ParityReport;
  registered?: { name: string; version: number; path: string };
}

/**
 * `berth import`: converts a trained model to ONNX once, in a child process of the user's own
 * Python; proves the converted model, as Berth serves it, answers like the original; writes
 * model.onnx, berth.yaml, parity.json (and reference.csv) into one folder; and registers it.
 * A failed parity check writes only the report and registers nothing.
 */
export async function importModel(options: ImportOptions): Promise<ImportResult> {
  const artifact = resolve(options.artifact);
  if (!(await stat(artifact).catch(() => undefined))?.isFile()) throw errors.modelFileMissing(artifact);
  const kind = await detectArtifactKind(artifact);
  if (kind === 'unknown') throw errors.importArtifactUnknown(options.artifact);
  const name = checkModelName(options.name ?? defaultName(artifact));
  const out = resolve(options.out ?? join(dirname(artifact), name));
  await checkOutputFolder(out);
  const sample = options.sample === undefined ? null : resolve(options.sample);
  if (sample !== null && !(await stat(sample).catch(() => undefined))?.isFile())
    throw errors.importBadSample(options.sample!, 'file not found');
  const python = options.python ?? 'python3';
  const notice =
    kind === 'pickle'
      ? `Loading ${basename(artifact)} runs the code inside it (unpickling): berth import does that only here, in a child process of ${python}, and the server never does.`
      : `Reading ${basename(artifact)} (${describeArtifactKind(kind)}) in a child process of ${python}.`;
  options.notice?.(notice);

  const { result, work } = await runHelper(
    python,
    {
      artifact,
      kind,
      sample,
      features: options.features ?? null,
      precision: options.precision ?? 'float',
      generatedRows: defaults.import.generatedRows,
      maxSampleRows: defaults.import.maxSampleRows,
      missingShare: defaults.import.missingShare,
      seed: defaults.import.seed,
    },
    options.cwd ?? process.cwd(),
  );
  try {
    if (!result.ok) throw problemError(result, { artifact: options.artifact, python, sample: options.sample ?? null });
    const converted = kind === 'onnx' ? artifact : join(work, importFiles.model);
    return await checkAndWrite(options, { name, out, artifact, sample, notice }, result, converted);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** What importModel settled before the helper ran. */
interface ImportContext {
  name: string;
  out: string;
  artifact: string;
  sample: string | null;
  notice: string;
}

async function checkAndWrite(
  options: ImportOptions,
  context: ImportContext,
  result: HelperSuccess,
  converted: string,
): Promise<ImportResult> {
  const { description, rows, expected } = result;
  const { name, out, artifact, sample, notice } = context;
  if (options.features && options.features.length !== description.features.length)
    throw errors.badUsage(
      `--features names ${options.features.length} features, but the model takes ${description.features.length}`,
    );
  const tolerance = options.tolerance ?? { ...defaults.import.tolerance };
  const features =
    options.features ??
    (description.namedByModel || description.layout === 'columns'
      ? description.features.map((feature) => feature.name)
      : rows.names);
  const labels =
    description.kind === 'classifier'
      ? chooseLabels(description.classes ?? [], options.labels, expected.labels, rows.target)
      : { source: 'none' as const };
  const facts = {
    name,
    ...(features ? { features } : {}),
    ...(labels.labels ? { labels: labels.labels } : {}),
    allowMissing: description.features.some((feature) => feature.missing),
    ...(sample ? { reference: importFiles.reference } : {}),
    header: headerLines(artifact, result, labels),
  };

  const served = await loadServedModel(converted, berthYamlObject({ ...facts, reference: undefined }));
  let report: ParityReport;
  let profile: unknown;
  try {
    const answers = await served.predict(rows.rows, features ?? description.features.map((feature) => feature.name));
    const classes = description.classes ?? served.metadata.classifier?.classes ?? [];
    const outputs = compareOutputs(expected, answers, classes, served.classNames, tolerance, defaults.import.worstRows);
    const position = new Map(classes.map((label, index) => [String(label), index]));
    const nameOf = (label: number | string) => served.classNames[position.get(String(label)) ?? -1] ?? String(label);
    report = {
      format: 'berth.parity/v1',
      passed: outputs.every((output) => output.passed),
      artifact: basename(artifact),
      estimator: description.estimator,
      kind: description.kind,
      framework: result.framework,
      converter: result.converter ? { name: result.converter.name, version: result.converter.version } : null,
      python: { executable: result.environment.executable, version: result.environment.python },
      rows: { count: rows.rows.length, source: sample ? 'sample' : 'generated', how: rowsHow(sample, rows) },
      tolerance,
      outputs,
      ...targetAccuracy(
        rows.target,
        expected.labels?.map(nameOf),
        answers.map((answer) => answer.label ?? String(answer.prediction)),
      ),
      warnings: result.warnings,
    };
    if (report.passed && options.register && sample) profile = (await served.reference(sample)).profile;
  } finally {
    await served.close();
  }

  const reportText = `${JSON.stringify(report, null, 2)}\n`;
  if (!report.passed) {
    await writeOutputFolder(out, { report: reportText });
    throw errors.parityFailed(failureSummary(report, options.precision), join(out, importFiles.report));
  }
  const files = await writeOutputFolder(out, {
    model: converted,
    config: berthYamlText(facts),
    report: reportText,
    ...(sample ? { reference: sample } : {}),
  });
  const imported: ImportResult = {
    name: name,
    out: out,
    files,
    notice: notice,
    ...(features ? { features } : {}),
    labels,
    report,
  };
  if (options.register) {
    const registered = await registerModel({
      repository: options.register.repository,
      source: out,
      name,
      description: `imported from ${basename(artifact)} (${description.estimator}); parity ${paritySummary(report)}`,
      parity: report,
      ...(sample && profile ? { reference: { source: sample, profile } } : {}),
      describe: options.register.describe,
    });
    imported.registered = { name: registered.name, version: registered.version, path: registered.path };
  }
  return imported;
}

function headerLines(artifact: string, result: HelperSuccess, labels: LabelChoice): string[] {
  const { description, framework, converter } = result;
  const what =
    description.kind === 'classifier' ? `a classifier of ${description.classes?.length ?? '?'} classes` : 'a regressor';
  const via = converter ? `, converted with ${converter.name} ${converter.version ?? ''}`.trimEnd() : '';
  return [
    `Written by berth import from ${basename(artifact)}: ${description.estimator} (${framework.name} ${framework.version ?? ''}${via}), ${what}.`.replace(
      ' )',
      ')',
    ),
    'Parity with the original model: parity.json beside this file.',
    ...(labels.source === 'sample' ? [`Labels ${labels.detail}.`] : []),
  ];
}

function rowsHow(sample: string | null | undefined, rows: HelperSuccess['rows']): string {
  if (!sample) return rows.how ?? `${rows.rows.length} generated rows`;
  const of =
    rows.total !== undefined && rows.total > rows.rows.length
      ? `the first ${rows.rows.length} of ${rows.total} rows`
      : `${rows.rows.length} rows`;
  return `${of} of ${basename(sample)}`;
}

/** How often the original and the served model name the sample's target (classifiers), by class name. */
function targetAccuracy(
  target: HelperSuccess['rows']['target'],
  original: string[] | undefined,
  served: string[],
): Pick<ParityReport, 'target'> {
  if (!target || !original || target.values.length !== original.length) return {};
  const share = (answers: string[]) =>
    answers.filter((answer, row) => answer === target.values[row]).length / Math.max(1, answers.length);
  const originalAccuracy = share(original);
  // A target the class names do not spell (numbers against names): nothing to compare.
  if (originalAccuracy === 0) return {};
  return { target: { column: target.name, accuracy: share(served), originalAccuracy } };
}

function failureSummary(report: ParityReport, precision: Precision | undefined): string {
  const lines = report.outputs
    .filter((output) => !output.passed)
    .map((output) => {
      const rows = output.worst
        .map(
          (entry) =>
            `row ${entry.row + 1}: original ${JSON.stringify(entry.original)}, served ${JSON.stringify(entry.served)}`,
        )
        .join('; ');
      const measure =
        output.output === 'labels'
          ? `${output.disagreements} of ${output.rows} rows disagree (agreement ${(output.agreement ?? 0).toFixed(4)} < ${report.tolerance.agreement})`
          : `${output.beyondTolerance} values beyond abs ${report.tolerance.abs} + rel ${report.tolerance.rel}, max abs error ${output.maxAbsError?.toPrecision(3)}`;
      return `  ${output.output}: ${measure}; worst ${rows}`;
    });
  const hint =
    report.converter && precision !== 'double' && report.converter.name === 'skl2onnx'
      ? 'The model was converted with float32 inputs; if its inputs need more precision (large values such as timestamps), try --precision double.'
      : 'Check the worst rows; --tolerance loosens the check if the differences are acceptable.';
  return [...lines, hint].join('\n');
}
