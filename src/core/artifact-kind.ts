import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { errors } from './errors.js';

/**
 * What kind of model file a path is, from its first bytes (and its extension where the bytes
 * cannot tell): ONNX is served; pickles, joblib files and XGBoost/LightGBM model files are what
 * `berth import` converts. Serving, registering and building refuse the latter with the import
 * command to run instead.
 */
export type ArtifactKind = 'onnx' | 'pickle' | 'xgboost' | 'lightgbm' | 'unknown';

const descriptions: Record<Exclude<ArtifactKind, 'onnx' | 'unknown'>, string> = {
  pickle: 'a Python pickle (joblib or pickle, e.g. a scikit-learn model)',
  xgboost: 'an XGBoost model file',
  lightgbm: 'a LightGBM model file',
};

export function describeArtifactKind(kind: ArtifactKind): string {
  return kind === 'onnx' || kind === 'unknown' ? kind : descriptions[kind];
}

export async function detectArtifactKind(path: string): Promise<ArtifactKind> {
  const head = await readHead(path, 512);
  const extension = extname(path).toLowerCase();
  // pickle protocol 2–5 opens with PROTO (0x80) and the version; joblib compresses with zlib, gzip,
  // bz2, xz or lz4 around a pickle.
  if (head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5) return 'pickle';
  if (['.joblib', '.pkl', '.pickle', '.sav'].includes(extension) && looksCompressed(head)) return 'pickle';
  const text = head.toString('latin1');
  if (/^tree\r?\nversion=v\d/.test(text)) return 'lightgbm';
  // XGBoost's JSON and UBJSON models both open an object whose first key is `learner`.
  if (text.startsWith('{') && text.slice(0, 64).includes('learner')) return 'xgboost';
  if (extension === '.onnx' || looksLikeOnnx(head)) return 'onnx';
  if (['.joblib', '.pkl', '.pickle'].includes(extension)) return 'pickle';
  return 'unknown';
}

/** zlib (78 01/5e/9c/da), gzip (1f 8b), bz2 (BZh), xz (fd 37 7a 58 5a), lz4 frame (04 22 4d 18). */
function looksCompressed(head: Buffer): boolean {
  return (
    (head[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(head[1]!)) ||
    (head[0] === 0x1f && head[1] === 0x8b) ||
    head.subarray(0, 3).toString('latin1') === 'BZh' ||
    head.subarray(0, 5).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a])) ||
    head.subarray(0, 4).equals(Buffer.from([0x04, 0x22, 0x4d, 0x18]))
  );
}

/** A ModelProto opens with ir_version (field 1, varint: 0x08) as every exporter writes it. */
function looksLikeOnnx(head: Buffer): boolean {
  return head[0] === 0x08 && head[1]! > 0 && head[1]! < 0x20;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The command that converts `path`, quoted for a POSIX shell where it needs to be. */
export function importCommand(path: string): string {
  const quoted = /^[A-Za-z0-9_./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
  return `berth import ${quoted}`;
}

/** Throws BERTH_NEEDS_IMPORT for a file Berth converts rather than serves; `given` is the path as the user typed it. */
export async function refuseUnconverted(path: string, given: string = path): Promise<void> {
  const kind = await detectArtifactKind(path).catch(() => 'unknown' as const);
  if (kind === 'pickle' || kind === 'xgboost' || kind === 'lightgbm')
    throw errors.needsImport(given, describeArtifactKind(kind), importCommand(given));
}
