import { errors, type BerthError } from '../core/errors.js';
import type { HelperFailure } from './helper-result.js';
import { pipInstallLine } from './converter-versions.js';

/** The helper's `problem` as a catalogue error: what went wrong, and the way forward. */
export function problemError(
  failure: HelperFailure,
  context: { artifact: string; python: string; sample: string | null },
): BerthError {
  const { problem } = failure;
  const fact = (key: string) => String(problem[key] ?? '');
  const python = failure.environment?.executable ?? context.python;
  switch (problem.code) {
    case 'missing-package':
      return errors.importMissingPackage(
        python,
        fact('package'),
        fact('neededFor'),
        pipInstallLine(python, fact('package'), failure.environment?.packages ?? {}),
      );
    case 'not-a-pickle':
      return errors.importNotAPickle(context.artifact, fact('detail'));
    case 'unpickle-failed':
      return errors.importUnpickleFailed(context.artifact, fact('detail'));
    case 'not-a-model': {
      const keys = problem.keys as string[] | null | undefined;
      return errors.importNotAModel(
        context.artifact,
        `a ${fact('type')}${keys ? ` with keys ${keys.join(', ')}` : ''}`,
      );
    }
    case 'load-failed':
      return errors.importLoadFailed(context.artifact, fact('framework'), fact('detail'));
    case 'unsupported':
      return errors.importUnsupported(fact('estimator'), fact('detail'), fact('way'));
    case 'no-converter':
      return errors.importConversionFailed(
        fact('estimator'),
        fact('converter'),
        'it has no converter for this estimator',
        `replace the step with one skl2onnx converts, register a custom converter for it (skl2onnx's "custom converter" guide), or export ONNX yourself and run berth import model.onnx --sample data.csv (${fact('detail')})`,
      );
    case 'conversion-failed':
      return errors.importConversionFailed(
        fact('estimator'),
        fact('converter'),
        fact('detail'),
        fact('way') ||
          'check the converter versions fit the training library (berth import names them when one is missing), or export ONNX yourself and run berth import model.onnx --sample data.csv',
      );
    case 'predict-failed':
      return errors.importPredictFailed(fact('estimator'), fact('detail'));
    case 'sample-unreadable':
    case 'sample-empty':
    case 'sample-columns':
    case 'sample-width':
    case 'sample-row':
    case 'sample-needed':
      return errors.importBadSample(context.sample ?? '(none given)', sampleDetail(problem));
    default:
      return errors.importHelperFailed(python, fact('detail') || problem.code);
  }
}

function sampleDetail(problem: HelperFailure['problem']): string {
  const list = (value: unknown) => (value as string[]).map((name) => `\`${name}\``).join(', ');
  switch (problem.code) {
    case 'sample-empty':
      return 'has no rows (a header row, then one row per example)';
    case 'sample-columns':
      return `has no column ${list(problem.missing)} (it has ${list(problem.header)}); the model's features must be columns of the sample, or pass --features to name the columns to use`;
    case 'sample-width':
      return `has ${problem.columns} columns, but the model takes ${problem.features} features`;
    case 'sample-row':
      return `line ${problem.line}: ${problem.detail}`;
    case 'sample-needed':
      return `a --sample is needed: ${problem.detail}`;
    default:
      return String(problem.detail ?? problem.code);
  }
}
