import { optOutOfOnnxruntimeTelemetry } from '../core/env.js';

// Imported ahead of onnxruntime-node by every module that loads it (onnx.ts, ort-worker.ts, the
// bench's onnxruntime servers): onnxruntime reads the variable once, when its environment is made.
optOutOfOnnxruntimeTelemetry();
