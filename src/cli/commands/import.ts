import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';
import { addSettingFlags } from '../setting-flags.js';

const list = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : undefined;

export const importCommand: CommandDefinition = {
  name: 'import',
  summary:
    'convert a trained model (scikit-learn joblib/pickle, XGBoost, LightGBM, or .onnx) to ONNX once, prove the converted model answers like the original, and optionally register it',
  configure: (command) =>
    addSettingFlags(command, ['repository.path'])
      .argument('<artifact>', 'model.joblib / model.pkl, an XGBoost .json/.ubj, a LightGBM .txt, or an .onnx file')
      .option(
        '--sample <data.csv>',
        "rows to check parity on (header row first), kept as the drift reference; default: rows drawn from the model's training statistics",
      )
      .option('--name <name>', "model name (default: the file name, or its folder's for model.joblib)")
      .option('--out <dir>', 'folder for model.onnx, berth.yaml, parity.json (default: <name>/ beside the artifact)')
      .option('--python <path>', 'the Python the model was trained with (default: python3 on PATH)')
      .option(
        '--tolerance <key=value...>',
        'parity tolerances: abs=1e-5, rel=1e-4, agreement=1 (share of rows whose labels must agree)',
      )
      .option(
        '--features <names>',
        'feature names in column order, comma-separated (for a model fitted on an unnamed array)',
      )
      .option('--labels <names>', "class names in the model's class order, comma-separated")
      .option('--precision <float|double>', 'input precision of the converted scikit-learn model', 'float')
      .option('--register', 'store the result in the model repository, with its parity report and reference profile')

      .addHelpText(
        'after',
        '\nLoading a pickle runs the code inside it: berth import does that only in a child process of the\ngiven Python, and `berth serve` never does. PyTorch models: export with torch.onnx.export, then\nberth import model.onnx --sample data.csv.',
      ),
  async run([artifact], options): Promise<CommandResult> {
    const [{ importModel }, { formatImport }, { parseTolerance }, { errors }] = await Promise.all([
      import('../../import/import-model.js'),
      import('../../import/format.js'),
      import('../../import/tolerance.js'),
      import('../../core/errors.js'),
    ]);
    if (options.precision !== 'float' && options.precision !== 'double')
      throw errors.badUsage(`--precision must be float or double, got ${String(options.precision)}`);
    let register;
    if (options.register) {
      const [{ repositoryPath }, { describeOnnxModel }] = await Promise.all([
        import('../model-repository.js'),
        import('../../runtime/describe-onnx.js'),
      ]);
      register = { repository: await repositoryPath(options), describe: describeOnnxModel };
    }
    const result = await importModel({
      artifact: artifact!,
      sample: options.sample as string | undefined,
      name: options.name as string | undefined,
      out: options.out as string | undefined,
      python: options.python as string | undefined,
      tolerance: parseTolerance(options.tolerance as string[] | undefined),
      features: list(options.features),
      labels: list(options.labels),
      precision: options.precision,
      register,
      notice: (text) => process.stderr.write(`${text}\n`),
    });
    return { data: result, text: formatImport(result, process.cwd()) };
  },
};
