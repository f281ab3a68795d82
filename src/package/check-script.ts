import { contextLayout, modelDirIn, type ImageLayout } from './context-layout.js';

export interface CheckScriptOptions extends ImageLayout {
  /** sha256 the model file must have (the value of the dev.berth.model.sha256 label). */
  sha256: string;
  /** Berth's ONNX runtime module inside the image (`/app/dist/runtime/onnx.js`), loaded as the server does. */
  runtimeModule: string;
  onnx: { intraOpThreads: number; interOpThreads: number; graphOptimization: string };
}

/**
 * berth-check.mjs, run by the build stage (not shipped): the model's bytes match the label, every
 * production dependency of Berth imports, and Berth's own runtime loads the model with this
 * image's onnxruntime binary, glibc and libstdc++. It ends with process.exit so a dependency that
 * leaves a timer behind cannot hang the build.
 */
export function generateCheckScript(options: CheckScriptOptions): string {
  const modelFile = `${modelDirIn(options)}/${contextLayout.modelFile}`;
  const s = JSON.stringify;
  return `// Written by \`berth build\`; run by the image's build stage only.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const modelFile = ${s(modelFile)};
const sha256 = createHash('sha256').update(readFileSync(modelFile)).digest('hex');
if (sha256 !== ${s(options.sha256)}) {
  console.error(\`berth build check: \${modelFile} has sha256 \${sha256}, expected ${options.sha256}\`);
  process.exit(1);
}
const { dependencies = {} } = JSON.parse(readFileSync(${s(`${options.appDir}/package.json`)}, 'utf8'));
for (const name of Object.keys(dependencies)) {
  try {
    await import(name);
  } catch (error) {
    console.error(\`berth build check: production dependency \${name} does not load: \${error.message}\`);
    process.exit(1);
  }
}
const { createOnnxRuntime } = await import(${s(options.runtimeModule)});
const runtime = createOnnxRuntime({ path: modelFile, name: 'build-check', version: '0', sha256 }, ${s(options.onnx)});
try {
  await runtime.load();
} catch (error) {
  console.error(\`berth build check: onnxruntime cannot load \${modelFile} on \${process.platform}/\${process.arch}: \${error.message}\`);
  process.exit(1);
}
const { inputs, outputs } = runtime.metadata();
await runtime.unload();
console.log(\`berth build check: model sha256 matches; \${Object.keys(dependencies).length} dependencies import; the model loads (\${inputs.length} inputs, \${outputs.length} outputs) with node \${process.version} on \${process.platform}/\${process.arch}\`);
process.exit(0);
`;
}
