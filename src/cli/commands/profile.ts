import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';
import { repositoryPath } from '../model-repository.js';
import { addSettingFlags } from '../setting-flags.js';

export const profileCommand: CommandDefinition = {
  name: 'profile',
  summary:
    "compute the reference profile drift detection compares live traffic with (per-feature statistics and the model's predictions)",
  configure: (command) =>
    addSettingFlags(
      command
        .argument('<data.csv>', 'reference rows (training data or a representative sample), with a header row')
        .option(
          '--model <model>',
          'a model folder, model.onnx, or a registry reference (iris@3, iris@production): profile its features and its predictions',
        )
        .option('--out <file.json>', 'write the profile here (use it as berth.yaml monitoring.reference)'),
      ['repository.path'],
    ),
  async run([data], options): Promise<CommandResult> {
    const [{ profileData }, { formatProfile }] = await Promise.all([
      import('../../profile/profile-data.js'),
      import('../../profile/profile-text.js'),
    ]);
    const result = await profileData({
      data: data!,
      model: options.model as string | undefined,
      repository: await repositoryPath(options),
      out: options.out as string | undefined,
    });
    return { data: result, text: formatProfile(result) };
  },
};
