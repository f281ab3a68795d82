import type { CommandDefinition } from '../command.js';
import { settingFlagValues } from '../../core/config/flags.js';
import { addSettingFlags } from '../setting-flags.js';

export const serveCommand: CommandDefinition = {
  name: 'serve',
  summary: 'serve an ONNX model over HTTP: seed /predict, OIP v2, KServe v1, /metrics, /docs',
  configure: (command) =>
    addSettingFlags(
      command
        .argument(
          '[model]',
          'a model.onnx file, or a folder holding model.onnx and an optional berth.yaml; omit it to serve the model repository (--repository)',
        )
        .option(
          '--model <ref...>',
          'with no [model]: models to serve from the repository, e.g. iris@production (default: every model, at its production alias or latest)',
        )
        .option('--name <name>', 'model name (default: model.name in berth.yaml, else the file or folder name)')
        .option('--config <file>', 'berth.yaml to use (default: the one beside the model)'),
    ).addHelpText(
      'after',
      '\nPrecedence: flag > BERTH_* environment variable > berth.yaml > default.\nSIGTERM/SIGINT drain gracefully: /ready turns 503, accepted requests finish, exit 0.',
    ),
  async run([target], options) {
    const { serveUntilSignal } = await import('../../serve/serve-process.js');
    await serveUntilSignal({
      target,
      models: options.model as string[] | undefined,
      name: options.name as string | undefined,
      config: options.config as string | undefined,
      flags: settingFlagValues(options),
    });
  },
};
