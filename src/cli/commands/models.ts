import type { Command } from 'commander';
import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';
import { repositoryPath } from '../model-repository.js';
import { addSettingFlags } from '../setting-flags.js';

/**
 * `berth models …`: the model repository. Each command resolves the repository folder
 * (--repository, BERTH_REPOSITORY, default ./model-repository) and calls one function of
 * src/registry; `register` hands it the ONNX signature reader (runtime/describe-onnx.ts), which the
 * registry may not import itself.
 */

const repositoryFlag = (command: Command) => addSettingFlags(command, ['repository.path']);

export const modelsRegister: CommandDefinition = {
  name: 'models register',
  summary: 'store a new immutable version of a model (an .onnx file or a folder with model.onnx and berth.yaml)',
  configure: (command) =>
    repositoryFlag(
      command
        .argument('<source>', 'model.onnx or a model folder')
        .option('--name <name>', "model name (default: model.name in the folder's berth.yaml)")
        .option('--metrics <key=value...>', 'evaluation metrics (numbers), e.g. accuracy=0.97')
        .option('--params <key=value...>', 'training parameters, e.g. n_estimators=100')
        .option(
          '--reference-data <file.csv>',
          'training data whose per-feature statistics are kept for drift detection',
        )
        .option('--description <text>', 'what this version is'),
    ),
  async run([source], options): Promise<CommandResult> {
    const [{ registerModel, parseMetrics, parseParams }, { formatRegistered }, { describeOnnxModel }] =
      await Promise.all([
        import('../../registry/index.js'),
        import('../../registry/format.js'),
        import('../../runtime/describe-onnx.js'),
      ]);
    const repository = await repositoryPath(options);
    const metrics = parseMetrics(options.metrics as string[] | undefined);
    const params = parseParams(options.params as string[] | undefined);
    let reference: { source: string; profile: unknown } | undefined;
    if (typeof options.referenceData === 'string') {
      // Only the model's features (berth.yaml model.features) when it names them, else every column.
      const [{ resolve }, { locateModel }, { profileFromCsv }] = await Promise.all([
        import('node:path'),
        import('../../core/locate-model.js'),
        import('../../observe/drift/profile-csv.js'),
      ]);
      const { features } = (await locateModel(source!, { hash: false })).model;
      reference = {
        source: resolve(options.referenceData),
        profile: await profileFromCsv(resolve(options.referenceData), features ? { features } : {}),
      };
    }
    const result = await registerModel({
      repository,
      source: source!,
      name: options.name as string | undefined,
      description: options.description as string | undefined,
      metrics,
      params,
      reference,
      describe: describeOnnxModel,
    });
    return { data: result, text: formatRegistered(result) };
  },
};

export const modelsList: CommandDefinition = {
  name: 'models list',
  summary: 'list models, their versions and aliases',
  configure: (command) => repositoryFlag(command.argument('[name]', 'only this model')),
  async run([name], options) {
    const [{ listModels }, { formatModelList }] = await Promise.all([
      import('../../registry/index.js'),
      import('../../registry/format.js'),
    ]);
    const models = await listModels(await repositoryPath(options), name);
    return { data: models, text: formatModelList(models) };
  },
};

export const modelsShow: CommandDefinition = {
  name: 'models show',
  summary: 'show one version: NAME (latest), NAME@VERSION or NAME@ALIAS',
  configure: (command) => repositoryFlag(command.argument('<ref>', 'NAME, NAME@VERSION or NAME@ALIAS')),
  async run([ref], options) {
    const [{ resolveModel }, { formatVersion }] = await Promise.all([
      import('../../registry/index.js'),
      import('../../registry/format.js'),
    ]);
    const model = await resolveModel(await repositoryPath(options), ref!);
    return { data: model, text: formatVersion(model) };
  },
};

export const modelsAlias: CommandDefinition = {
  name: 'models alias',
  summary: 'point an alias (production, staging…) at a version',
  configure: (command) =>
    repositoryFlag(
      command
        .argument('<name>', 'model name')
        .argument('<alias>', 'alias, e.g. production')
        .argument('<version>', 'version number, `latest`, or another alias'),
    ),
  async run([name, alias, target], options) {
    const [{ setAlias }, { formatAliasChange }] = await Promise.all([
      import('../../registry/index.js'),
      import('../../registry/format.js'),
    ]);
    const change = await setAlias({
      repository: await repositoryPath(options),
      name: name!,
      alias: alias!,
      target: target!,
    });
    return { data: change, text: formatAliasChange(change, 'now points at') };
  },
};

export const modelsRollback: CommandDefinition = {
  name: 'models rollback',
  summary: 'move an alias back to the version it pointed at before',
  configure: (command) =>
    repositoryFlag(command.argument('<name>', 'model name').argument('<alias>', 'alias, e.g. production')),
  async run([name, alias], options) {
    const [{ rollback }, { formatAliasChange }] = await Promise.all([
      import('../../registry/index.js'),
      import('../../registry/format.js'),
    ]);
    const change = await rollback({ repository: await repositoryPath(options), name: name!, alias: alias! });
    return { data: change, text: formatAliasChange(change, 'rolled back to') };
  },
};

export const modelsDelete: CommandDefinition = {
  name: 'models delete',
  summary: 'delete one version (NAME@VERSION); refused while an alias points at it',
  configure: (command) => repositoryFlag(command.argument('<ref>', 'NAME@VERSION')),
  async run([ref], options) {
    const [{ deleteVersion }, { formatDeleted }] = await Promise.all([
      import('../../registry/index.js'),
      import('../../registry/format.js'),
    ]);
    const result = await deleteVersion({ repository: await repositoryPath(options), ref: ref! });
    return { data: result, text: formatDeleted(result) };
  },
};

export const modelsVerify: CommandDefinition = {
  name: 'models verify',
  summary: 're-hash every version and report OK, TAMPERED or MISSING (exit 1 on any problem)',
  configure: (command) => repositoryFlag(command.argument('[name]', 'only this model')),
  async run([name], options) {
    const [{ verifyRepository }, { formatVerify }, { errors }] = await Promise.all([
      import('../../registry/index.js'),
      import('../../registry/format.js'),
      import('../../core/errors.js'),
    ]);
    const report = await verifyRepository({ repository: await repositoryPath(options), name });
    if (!report.ok) {
      // An error, so scripts (`berth models verify && berth deploy …`) stop on a damaged repository.
      const bad = report.versions.filter((check) => check.status !== 'OK');
      throw errors.verifyFailed(bad.length, report.checked, formatVerify({ ...report, versions: bad }));
    }
    return { data: report, text: formatVerify(report) };
  },
};
