import { defaults } from './defaults.js';

/**
 * The one error catalogue. Every error Berth raises on purpose has a stable code and an HTTP
 * status here; the HTTP layer turns it into `{"error": message}` (OIP v2 §"Errors"), the CLI
 * into a message and an exit code. Anything that is not a BerthError is Berth's own fault: it
 * becomes a 500 with a generic message and is logged, never shown with its stack.
 *
 * @example
 *   throw errors.missingFeature('petal_width');
 *   // → 400 {"error":"missing feature `petal_width`"}
 */
export class BerthError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra response headers, e.g. Retry-After on 503/429. */
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    status: number,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    // No stack trace: a BerthError is an answer (its code and message are the whole story), and
    // capturing one was 12% of the CPU of a server shedding a flood with 503s (profiled).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, { cause: options.cause });
    Error.stackTraceLimit = limit;
    this.name = 'BerthError';
    this.code = code;
    this.status = status;
    this.headers = options.headers ?? {};
  }
}

type Format<A extends unknown[]> = (...args: A) => string;

/** A catalogue entry: call it to make the error; `.code` and `.status` are readable for tests. */
export interface ErrorFactory<A extends unknown[]> {
  (...args: A): BerthError;
  readonly code: string;
  readonly status: number;
}

function define<A extends unknown[]>(code: string, status: number, format: Format<A>): ErrorFactory<A> {
  const make = (...args: A) => new BerthError(code, status, format(...args));
  return Object.assign(make, { code, status });
}

/**
 * Caller text repeated in a message, cut to `echoChars` characters: a 10 MB name must not come
 * back as a 10 MB error (nor fill a log line).
 */
export function echo(text: string): string {
  const limit = defaults.limits.echoChars;
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}

/** Shorthand for quoting a name inside a message (cut like `echo`). */
const q = (name: string) => `\`${echo(name)}\``;

// The catalogue is a table, one entry a line, read and searched as one: prettier leaves it as it is.
// prettier-ignore
export const errors = {
  // ── request body and transport (400/413/415) ─────────────────────────────
  invalidJson: define('BERTH_INVALID_JSON', 400, (detail: string) => `request body is not valid JSON: ${echo(detail)}`),
  emptyBody: define('BERTH_EMPTY_BODY', 400, () => 'request body is empty; send a JSON object'),
  bodyTooLarge: define('BERTH_BODY_TOO_LARGE', 413, (limit: number) => `request body is larger than the limit of ${limit} bytes`),
  unsupportedMediaType: define('BERTH_UNSUPPORTED_MEDIA_TYPE', 415, (got: string) => `content-type ${got || '(none)'} is not supported; send application/json`),
  unsupportedOipMediaType: define('BERTH_UNSUPPORTED_MEDIA_TYPE', 415, (got: string) => `content-type ${got} is not supported; send application/json, or application/octet-stream for JSON followed by binary tensors (Inference-Header-Content-Length)`),
  tooDeep: define('BERTH_TOO_DEEP', 400, (where: string, limit: number) => `${where} is nested deeper than ${limit} levels`),
  notAnObject: define('BERTH_NOT_AN_OBJECT', 400, (where: string) => `${where} must be a JSON object`),
  badField: define('BERTH_BAD_FIELD', 400, (where: string, expected: string) => `${echo(where)} must be ${expected}`),
  nestedDataShape: define('BERTH_NESTED_DATA_SHAPE', 400, (name: string, where: string, expected: string) => `nested data of ${q(name)} does not match its shape: ${where} must be ${expected}`),
  requestTimeout: define('BERTH_REQUEST_TIMEOUT', 408, (ms: number) => `the request was not received within ${ms} ms`),
  headersTooLarge: define('BERTH_HEADERS_TOO_LARGE', 431, () => 'request headers are too large'),
  badRequest: define('BERTH_BAD_REQUEST', 400, (detail: string) => `malformed request: ${echo(detail)}`),

  // ── tensors and signatures (400) ──────────────────────────────────────────
  missingInput: define('BERTH_MISSING_INPUT', 400, (name: string, model: string) => `missing input ${q(name)} for model ${q(model)}`),
  unknownInput: define('BERTH_UNKNOWN_INPUT', 400, (name: string, model: string, known: string[]) => `unknown input ${q(name)} for model ${q(model)}; expected ${known.map(q).join(', ')}`),
  duplicateInput: define('BERTH_DUPLICATE_INPUT', 400, (name: string) => `input ${q(name)} is given more than once`),
  duplicateOutput: define('BERTH_DUPLICATE_OUTPUT', 400, (name: string) => `output ${q(name)} is requested more than once; name each output once`),
  replyTooLarge: define('BERTH_REPLY_TOO_LARGE', 413, (count: number, limit: number) => `the answer would hold ${count} values, more than the limit of ${limit} values per reply; send fewer rows or ask for fewer outputs`),
  nonFinite: define('BERTH_NON_FINITE', 400, (name: string, index: number, got: string, datatype: string) => `value ${index} of ${q(name)} is ${got}, which ${datatype} cannot hold as a finite number; send finite numbers${datatype === 'FP32' ? ' within ±3.4e38' : ''}`),
  missingValue: define('BERTH_MISSING_VALUE', 400, (name: string, index: number) => `value ${index} of ${q(name)} is missing (null or NaN); this model takes no missing values (set model.allowMissing: true in berth.yaml if it treats NaN as missing, as tree models do)`),
  unknownOutput: define('BERTH_UNKNOWN_OUTPUT', 400, (name: string, model: string, known: string[]) => `unknown output ${q(name)} requested from model ${q(model)}; it has ${known.map(q).join(', ')}`),
  wrongDatatype: define('BERTH_WRONG_DATATYPE', 400, (name: string, expected: string, got: string) => `datatype ${expected} expected for ${q(name)}, got ${got}`),
  unknownDatatype: define('BERTH_UNKNOWN_DATATYPE', 400, (name: string, got: string) => `datatype ${got} of ${q(name)} is not an Open Inference Protocol datatype`),
  shapeMismatch: define('BERTH_SHAPE_MISMATCH', 400, (name: string, shape: number[], count: number) => `shape [${shape.join(',')}] of ${q(name)} does not match ${count} values`),
  wrongShape: define('BERTH_WRONG_SHAPE', 400, (name: string, expected: number[], got: number[]) => `shape [${got.join(',')}] of ${q(name)} does not fit the model's [${expected.join(',')}] (-1 = any size)`),
  badShape: define('BERTH_BAD_SHAPE', 400, (name: string) => `shape of ${q(name)} must be an array of non-negative integers`),
  badValue: define('BERTH_BAD_VALUE', 400, (name: string, index: number, expected: string, got: string) => `value ${index} of ${q(name)} must be ${expected}, got ${got}`),
  badCell: define('BERTH_BAD_VALUE', 400, (where: string, expected: string, got: string) => `${where} must be ${expected}, got ${got}`),
  batchMismatch: define('BERTH_BATCH_MISMATCH', 400, (sizes: string) => `inputs disagree on the batch size: ${sizes}`),
  tooManyRows: define('BERTH_TOO_MANY_ROWS', 413, (rows: number, limit: number) => `${rows} rows is more than the limit of ${limit} rows per request`),
  tooManyValues: define('BERTH_TOO_MANY_VALUES', 413, (count: number, limit: number) => `${count} values is more than the limit of ${limit} values per request`),

  // ── the seed dialect (400) ────────────────────────────────────────────────
  missingFeature: define('BERTH_MISSING_FEATURE', 400, (name: string) => `missing feature ${q(name)}`),
  unknownFeature: define('BERTH_UNKNOWN_FEATURE', 400, (name: string, known: string[]) => `unknown feature ${q(name)}; expected ${known.map(q).join(', ')}`),
  wrongRowLength: define('BERTH_WRONG_ROW_LENGTH', 400, (where: string, expected: number, got: number) => `expected ${expected} values per row, got ${got} in ${where}`),
  noFeatureNames: define('BERTH_NO_FEATURE_NAMES', 400, (model: string) => `model ${q(model)} has no feature names; set model.features in berth.yaml or send {"features":[…]}/{"instances":[…]}`),
  ambiguousBody: define('BERTH_AMBIGUOUS_BODY', 400, (detail: string) => `cannot tell the request format: ${echo(detail)}`),
  dialectUnsupported: define('BERTH_DIALECT_UNSUPPORTED', 400, (model: string, why: string) => `model ${q(model)} cannot be called this way: ${why}; use the Open Inference Protocol route /v2/models/${model}/infer`),

  // ── raw tensor bytes: gRPC raw contents and the REST binary tensor extension (400/413) ──
  rawSizeMismatch: define('BERTH_RAW_SIZE', 400, (name: string, datatype: string, shape: number[], expected: number, got: number) => `raw bytes of ${q(name)} are ${got} bytes; ${datatype} of shape [${shape.join(',')}] needs ${expected} (little-endian, no padding)`),
  badRawBytes: define('BERTH_BAD_RAW_BYTES', 400, (name: string, detail: string) => `raw BYTES data of ${q(name)} is malformed: ${detail}; each element is a 4-byte little-endian length followed by that many bytes`),
  badHeaderLength: define('BERTH_BAD_HEADER_LENGTH', 400, (got: string, bodyBytes: number) => `Inference-Header-Content-Length must be a whole number of bytes from 1 to the body's ${bodyBytes}, got ${got.slice(0, 40)}`),
  badBinarySize: define('BERTH_BAD_BINARY_SIZE', 400, (name: string, got: string) => `parameters.binary_data_size of ${q(name)} must be a whole number of bytes, got ${got.slice(0, 40)}`),
  binaryPastEnd: define('BERTH_BINARY_PAST_END', 400, (name: string, size: number, left: number) => `input ${q(name)} says binary_data_size ${size} but only ${left} bytes of binary data are left in the body`),
  binaryLeftOver: define('BERTH_BINARY_LEFT_OVER', 400, (bytes: number) => `${bytes} bytes of binary data follow the JSON header that no input's binary_data_size accounts for`),
  binaryWithoutHeader: define('BERTH_BINARY_WITHOUT_HEADER', 400, (name: string) => `input ${q(name)} has parameters.binary_data_size but the request has no Inference-Header-Content-Length header saying where its JSON ends`),
  dataAndBinary: define('BERTH_DATA_AND_BINARY', 400, (name: string) => `input ${q(name)} must have exactly one of \`data\` or parameters.binary_data_size`),
  unsupportedTensorParameter: define('BERTH_UNSUPPORTED_TENSOR_PARAMETER', 400, (where: string, parameter: string, extension: string) => `${where} uses parameters.${parameter}, which belongs to the ${extension} extension that Berth does not implement`),
  badContentEncoding: define('BERTH_BAD_CONTENT_ENCODING', 415, (got: string) => `Content-Encoding ${got.slice(0, 40)} is not supported; send gzip, deflate or identity`),
  badCompressedBody: define('BERTH_BAD_COMPRESSED_BODY', 400, (encoding: string) => `request body is not valid ${encoding.slice(0, 40)} data`),

  // ── OIP v2 gRPC tensors (400) ─────────────────────────────────────────────
  rawContentsCount: define('BERTH_GRPC_RAW_CONTENTS_COUNT', 400, (got: number, inputs: number) => `raw_input_contents has ${got} entries for ${inputs} inputs; give one per input, in the order of \`inputs\``),
  mixedContents: define('BERTH_GRPC_MIXED_CONTENTS', 400, (name: string) => `input ${q(name)} has typed \`contents\` although raw_input_contents is used; send every input raw or every input typed`),
  wrongContentsField: define('BERTH_GRPC_WRONG_CONTENTS_FIELD', 400, (name: string, datatype: string, expected: string, got: string) => `values of ${q(name)} (${datatype}) belong in contents.${expected}, got contents.${got}`),
  fp16NeedsRaw: define('BERTH_GRPC_FP16_NEEDS_RAW', 400, (name: string) => `input ${q(name)} is FP16, which has no typed contents field in the Open Inference Protocol; send it in raw_input_contents as little-endian IEEE half-precision`),

  // ── models (404/503) ──────────────────────────────────────────────────────
  unknownModel: define('BERTH_UNKNOWN_MODEL', 404, (name: string) => `unknown model ${q(name)}`),
  unknownVersion: define('BERTH_UNKNOWN_VERSION', 404, (name: string, version: string) => `model ${q(name)} has no version ${q(version)}`),
  modelNotReady: define('BERTH_MODEL_NOT_READY', 503, (name: string) => `model ${q(name)} is not ready yet`),
  noDefaultModel: define('BERTH_NO_DEFAULT_MODEL', 404, (names: string[]) => `several models are served (${names.map(q).join(', ')}); call /models/{name}/predict`),
  notFound: define('BERTH_NOT_FOUND', 404, (method: string, url: string) => `no route ${echo(method)} ${echo(url)}`),
  methodNotAllowed: define('BERTH_METHOD_NOT_ALLOWED', 405, (method: string, url: string, allowed: string[]) => `${echo(method)} is not allowed on ${echo(url)}; use ${allowed.join(' or ')}`),
  badVersion: define('BERTH_BAD_VERSION', 400, (got: string) => `version ${q(got)} must be a version number (1, 2, …)`),
  modelControlOff: define('BERTH_MODEL_CONTROL_OFF', 403, () => 'model control is off: this server does not load or unload models on request (start it with --model-control and an API key)'),

  // ── auth (401) ────────────────────────────────────────────────────────────
  unauthorized: define('BERTH_UNAUTHORIZED', 401, () => 'missing or wrong API key; send Authorization: Bearer <key>'),

  // ── load and deadlines (429/503/504) ──────────────────────────────────────
  // Overload is 429 + Retry-After (RFC 6585 §4): the caller should slow down; 503 stays for a
  // server that is not ready or is draining, which a load balancer routes around.
  draining: define('BERTH_DRAINING', 503, () => 'server is shutting down'),
  overloaded: define('BERTH_OVERLOADED', 429, (model: string, queued: number) => `model ${q(model)} is overloaded (${queued} requests queued); retry later`),
  serverOverloaded: define('BERTH_SERVER_OVERLOADED', 429, (limit: number) => `server is at its limit of ${limit} requests in flight; retry later`),
  bodiesOverBudget: define('BERTH_BODIES_OVER_BUDGET', 429, (budget: number) => `server is receiving as many request bytes as it holds at once (${budget} bytes); retry later`),
  messagesOverBudget: define('BERTH_MESSAGES_OVER_BUDGET', 429, (waiting: number) => `server is receiving as many gRPC messages as it holds at once, and ${waiting} more wait their turn; retry later`),
  standingQueue: define('BERTH_STANDING_QUEUE', 429, (ms: number) => `server is saturated (requests wait more than ${ms} ms in it); retry later`),
  serverBusy: define('BERTH_SERVER_BUSY', 429, (limit: number, lagMs: number) => `server is saturated (its event loop runs more than ${lagMs} ms late, so it handles ${limit} at once); retry later`),
  deadlineExceeded: define('BERTH_DEADLINE_EXCEEDED', 504, (ms?: number) => `request did not finish within its ${ms === undefined ? '' : `${ms} ms `}deadline`),
  internal: define('BERTH_INTERNAL', 500, (requestId: string) => `internal error (request id ${requestId}); see the server log`),

  // ── loading models (CLI / load time) ──────────────────────────────────────
  modelFileMissing: define('BERTH_MODEL_FILE_MISSING', 400, (path: string) => `no ONNX model at ${path}`),
  modelInvalid: define('BERTH_MODEL_INVALID', 400, (path: string, detail: string) => `${path} is not a loadable ONNX model: ${detail}`),
  unsupportedOutput: define('BERTH_UNSUPPORTED_OUTPUT', 400, (name: string, type: string) => `output ${q(name)} is a ${type}, which onnxruntime-node cannot return; Berth rewrites ZipMap outputs automatically, any other non-tensor output must be removed from the graph (skl2onnx: options={'zipmap': False})`),
  unsupportedInput: define('BERTH_UNSUPPORTED_INPUT', 400, (name: string, type: string) => `input ${q(name)} has type ${type}, which Berth cannot feed`),

  // ── configuration (CLI) ───────────────────────────────────────────────────
  badConfig: define('BERTH_BAD_CONFIG', 400, (where: string, detail: string) => `invalid setting ${where}: ${detail}`),
  unknownConfigKey: define('BERTH_UNKNOWN_CONFIG_KEY', 400, (where: string, key: string, suggestion: string | undefined) => `${where}: unknown key \`${echo(key)}\`${suggestion ? `; did you mean ${suggestion}?` : ''}`),
  configModelMismatch: define('BERTH_CONFIG_MODEL_MISMATCH', 400, (model: string, detail: string) => `berth.yaml does not fit model ${q(model)}: ${detail}`),
  portInUse: define('BERTH_PORT_IN_USE', 400, (what: string, port: number, flag: string, env: string) => `${what} port ${port} is already in use; stop what is listening there, or choose another port with ${flag} or ${env}`),
  badUsage: define('BERTH_BAD_USAGE', 400, (detail: string) => detail),

  // ── registry ──────────────────────────────────────────────────────────────
  badModelName: define('BERTH_BAD_MODEL_NAME', 400, (name: string) => `model name ${q(name)} must be 1–63 letters, digits, dots, dashes or underscores, starting with a letter or digit`),
  badAliasName: define('BERTH_BAD_ALIAS_NAME', 400, (alias: string) => `alias ${q(alias)} must start with a letter, use only letters, digits, dashes or underscores, and not be \`latest\``),
  badModelRef: define('BERTH_BAD_MODEL_REF', 400, (ref: string) => `${q(ref)} is not a model reference; use NAME, NAME@VERSION or NAME@ALIAS`),
  badKeyValue: define('BERTH_BAD_KEY_VALUE', 400, (flag: string, item: string, expected: string) => `${flag} ${q(item)}: expected ${expected}`),
  unknownAlias: define('BERTH_UNKNOWN_ALIAS', 404, (name: string, alias: string) => `model ${q(name)} has no alias ${q(alias)}`),
  noAliasHistory: define('BERTH_NO_ALIAS_HISTORY', 409, (name: string, alias: string) => `alias ${q(alias)} of model ${q(name)} has no earlier version to roll back to`),
  versionInUse: define('BERTH_VERSION_IN_USE', 409, (name: string, version: number, aliases: string[]) => `version ${version} of model ${q(name)} is still the target of alias ${aliases.map(q).join(', ')}; move the alias first`),
  versionCorrupt: define('BERTH_VERSION_CORRUPT', 409, (name: string, version: number, detail: string) => `version ${version} of model ${q(name)} is damaged: ${detail}; run \`berth models verify\``),
  registryLocked: define('BERTH_REGISTRY_LOCKED', 503, (path: string, ms: number) => `could not lock ${path} within ${ms} ms; another berth process holds it (delete the file if no berth process is running)`),
  verifyFailed: define('BERTH_VERIFY_FAILED', 400, (bad: number, total: number, detail: string) => `${bad} of ${total} versions failed verification:\n${detail}`),

  // ── plan ──────────────────────────────────────────────────────────────────
  badTraffic: define('BERTH_BAD_TRAFFIC', 400, (spec: string, detail: string) => `traffic ${q(spec)}: ${detail}; use constant:RPS, diurnal:peak=RPS,trough=RPS[,period=24h], spiky:base=RPS,peak=RPS,every=1h,duration=5m or a .csv file of requests/s per minute`),
  badTrafficFile: define('BERTH_BAD_TRAFFIC_FILE', 400, (path: string, line: number, detail: string) => `${path} line ${line}: ${detail}; expected one requests/s value per minute (optionally \`minute,rps\` with a header line)`),
  badDuration: define('BERTH_BAD_DURATION', 400, (where: string, got: string) => `${where} must be a duration such as 50ms, 30s, 5m, 1h or 1h30m, got ${q(got)}`),
  badPlanInput: define('BERTH_BAD_PLAN_INPUT', 400, (flag: string, detail: string) => `${flag} ${detail}`),
  badPrices: define('BERTH_BAD_PRICES', 400, (path: string, where: string, detail: string) => `${path}: ${q(where)} ${detail}`),
  badBenchResult: define('BERTH_BAD_BENCH_RESULT', 400, (path: string, detail: string) => `${path} is not a usable \`berth bench --json\` result: ${detail}`),
  benchNeedsBody: define('BERTH_BENCH_NEEDS_BODY', 400, (detail: string) => `cannot build a sample request: ${detail}; pass --body, --body-file or --model`),
  benchUnreachable: define('BERTH_BENCH_UNREACHABLE', 503, (url: string, detail: string) => `cannot reach ${url}: ${detail}`),
  benchRejected: define('BERTH_BENCH_REJECTED', 400, (url: string, status: number, body: string) => `the sample request to ${url} was answered ${status} ${body}; fix the body (--body/--body-file) or the route (--path) before load testing`),
  benchServerFailed: define('BERTH_BENCH_SERVER_FAILED', 500, (target: string, detail: string) => `\`berth serve ${target}\` did not become ready: ${detail}`),
  noCapacity: define('BERTH_NO_CAPACITY', 400, (sloMs: number, detail: string) => `no offered rate kept p99 within ${sloMs} ms without errors (${detail}); check the server, or relax --slo-p99`),

  // ── deploy ────────────────────────────────────────────────────────────────
  measureFailed: define('BERTH_MEASURE_FAILED', 400, (path: string, detail: string) => `could not measure ${path} (load time, peak memory): ${detail}; pass --load-seconds and --peak-rss-mb instead`),
  modelRefUnresolved: define('BERTH_MODEL_REF_UNRESOLVED', 400, (ref: string, why: string) => `cannot find model ${q(ref)}: ${why}`),
  noKubeconfig: define('BERTH_NO_KUBECONFIG', 400, (detail: string) => `no Kubernetes cluster to talk to: ${detail}; set KUBECONFIG or create ~/.kube/config`),
  kubeApi: define('BERTH_KUBE_API', 502, (action: string, detail: string) => `Kubernetes API refused to ${action}: ${detail}`),
  deploymentNotFound: define('BERTH_DEPLOYMENT_NOT_FOUND', 404, (namespace: string, name: string) => `no Deployment ${q(name)} in namespace ${q(namespace)}; run \`berth deploy\` first`),
  noPreviousRevision: define('BERTH_NO_PREVIOUS_REVISION', 409, (namespace: string, name: string) => `Deployment ${q(name)} in namespace ${q(namespace)} has no earlier revision to roll back to`),
  rolloutFailed: define('BERTH_ROLLOUT_FAILED', 502, (namespace: string, name: string, why: string) => `rollout of ${q(name)} in namespace ${q(namespace)} failed: ${why}`),
  rolloutTimeout: define('BERTH_ROLLOUT_TIMEOUT', 504, (namespace: string, name: string, seconds: number, why: string) => `rollout of ${q(name)} in namespace ${q(namespace)} did not finish within ${seconds} s: ${why}`),

  // ── package ───────────────────────────────────────────────────────────────
  badImageRef: define('BERTH_BAD_IMAGE_REF', 400, (flag: string, image: string, why: string) => `${flag} ${q(image)}: ${why}`),
  distMissing: define('BERTH_DIST_MISSING', 400, (path: string, root: string) => `Berth's compiled code is missing (${path}); run \`npm run build\` in ${root} first`),
  buildContextNotEmpty: define('BERTH_BUILD_CONTEXT_NOT_EMPTY', 400, (dir: string) => `${dir} exists and is not a build context written by \`berth build\`; choose another --out or remove it`),
  dependencyInstallFailed: define('BERTH_DEPENDENCY_INSTALL_FAILED', 502, (command: string, detail: string) => `installing Berth's production dependencies failed (${command}): ${detail}`),
  noContainerEngine: define('BERTH_NO_CONTAINER_ENGINE', 400, (detail: string) => `no container engine to build with: ${detail}; install podman (apt-get install podman runc) or start docker, or build the written context yourself`),
  baseImageMissing: define('BERTH_BASE_IMAGE_MISSING', 400, (engine: string, image: string, buildCommand: string) => `${engine} has no image ${q(image)}, and a localhost/ image cannot be pulled; build Berth's base images with \`${buildCommand}\` (it prints BUILDER_IMAGE and BASE_IMAGE) or pass another --base-image/--builder-image`),
  baseImageNotBuilt: define('BERTH_BASE_IMAGE_NOT_BUILT', 400, (engine: string, nodeVersion: string, buildCommand: string, official: string) => `${engine} has no Berth base image for Node ${nodeVersion}. Build it once, offline (Debian's packages and this machine's node; needs root and debootstrap):\n  ${buildCommand}\nthen run \`berth build\` again. Or base the image on the official Node.js image, pulled from Docker Hub: --base-image ${official}`),
  imagePushFailed: define('BERTH_IMAGE_PUSH_FAILED', 502, (engine: string, image: string, code: number, tail: string) => `${engine} push ${q(image)} failed with exit code ${code}:\n${tail}`),
  imageBuildFailed: define('BERTH_IMAGE_BUILD_FAILED', 502, (engine: string, code: number, tail: string) => `${engine} build failed with exit code ${code}:\n${tail}`),

  // ── monitoring ────────────────────────────────────────────────────────────
  referenceDataUnreadable: define('BERTH_REFERENCE_DATA_UNREADABLE', 400, (path: string, detail: string) => `cannot read reference data ${path}: ${detail}`),
  badCsv: define('BERTH_BAD_CSV', 400, (source: string, line: number, detail: string) => `${source} line ${line}: ${detail}`),
  referenceColumnMissing: define('BERTH_REFERENCE_COLUMN_MISSING', 400, (column: string, source: string, known: string[]) => `reference data ${source} has no column ${q(column)}; it has ${known.map(q).join(', ')}`),
  referenceEmpty: define('BERTH_REFERENCE_EMPTY', 400, (source: string) => `reference data ${source} has no rows; a drift profile needs the training (or a representative) sample`),
  predictionCountMismatch: define('BERTH_PREDICTION_COUNT_MISMATCH', 400, (rows: number, predictions: number) => `${predictions} predictions given for ${rows} reference rows; give one per row`),
  badProfile: define('BERTH_BAD_PROFILE', 400, (where: string, detail: string) => `reference profile ${where}: ${detail}`),
  noReferenceProfile: define('BERTH_NO_REFERENCE_PROFILE', 404, (model: string) => `model ${q(model)} has no reference profile, so drift cannot be measured; register it with \`--reference-data\`, or when serving a file set \`monitoring.reference: reference.csv\` in its berth.yaml`),
  notMonitored: define('BERTH_NOT_MONITORED', 404, (model: string, why: string) => `model ${q(model)} is not monitored: ${why}`),
  unknownPredictionId: define('BERTH_UNKNOWN_PREDICTION_ID', 404, (requestId: string) => `no recent prediction with request id ${q(requestId)} (feedback is accepted once per prediction, while it is among the most recent ones kept)`),
  badFeedbackValue: define('BERTH_BAD_FEEDBACK_VALUE', 400, (expected: string, got: string) => `feedback value must be ${expected}, got ${got}`),
  badMonitoringSetting: define('BERTH_BAD_MONITORING_SETTING', 400, (where: string, detail: string) => `invalid monitoring setting ${where}: ${detail}`),

  // ── import (berth import: a pickle, joblib, XGBoost or LightGBM artifact → ONNX) ─────────────
  needsImport: define('BERTH_NEEDS_IMPORT', 400, (path: string, kind: string, command: string) => `${path} is ${kind}, not ONNX: Berth serves only ONNX and never loads pickles or framework files in the server; convert it once, with a parity check, by running: ${command}`),
  importArtifactUnknown: define('BERTH_IMPORT_ARTIFACT_UNKNOWN', 400, (path: string) => `${path} is not an artifact berth import knows: give a scikit-learn model saved with joblib or pickle (.joblib, .pkl), an XGBoost model (.json, .ubj), a LightGBM model (.txt) or an .onnx file`),
  importNoPython: define('BERTH_IMPORT_NO_PYTHON', 400, (python: string, detail: string) => `cannot run ${python} (${detail}); pass --python with the Python the model was trained with, e.g. --python .venv/bin/python`),
  importMissingPackage: define('BERTH_IMPORT_MISSING_PACKAGE', 400, (python: string, pkg: string, neededFor: string, pip: string) => `${pkg} is not installed in ${python}, and ${neededFor} needs it; install it there with:\n  ${pip}\nthen run berth import again`),
  importNotAPickle: define('BERTH_IMPORT_NOT_A_PICKLE', 400, (path: string, detail: string) => `${path} cannot be read as a joblib or pickle file (${detail}); give the file joblib.dump or pickle.dump wrote`),
  importUnpickleFailed: define('BERTH_IMPORT_UNPICKLE_FAILED', 400, (path: string, detail: string) => `loading ${path} failed in the model's own code: ${detail}; run berth import with the Python (--python) and from the folder the model was trained in, so the same libraries and modules are found`),
  importNotAModel: define('BERTH_IMPORT_NOT_A_MODEL', 400, (path: string, what: string) => `${path} holds ${what}, not a model; save the fitted estimator itself (joblib.dump(model, "model.joblib"))`),
  importLoadFailed: define('BERTH_IMPORT_LOAD_FAILED', 400, (path: string, framework: string, detail: string) => `${framework} could not load ${path}: ${detail}`),
  importUnsupported: define('BERTH_IMPORT_UNSUPPORTED', 400, (estimator: string, detail: string, way: string) => `cannot import ${estimator}: ${detail}; ${way}`),
  importConversionFailed: define('BERTH_IMPORT_CONVERSION_FAILED', 400, (estimator: string, converter: string, detail: string, way: string) => `${converter} could not convert ${estimator}: ${detail}; ${way}`),
  importPredictFailed: define('BERTH_IMPORT_PREDICT_FAILED', 400, (estimator: string, detail: string) => `the original ${estimator} could not predict the parity rows: ${detail}; check that the sample's columns are the ones the model was trained on`),
  importBadSample: define('BERTH_IMPORT_BAD_SAMPLE', 400, (path: string, detail: string) => `sample ${path}: ${detail}`),
  importHelperFailed: define('BERTH_IMPORT_HELPER_FAILED', 500, (python: string, detail: string) => `berth import's helper failed in ${python}: ${detail}`),
  importBadTolerance: define('BERTH_IMPORT_BAD_TOLERANCE', 400, (item: string) => `--tolerance ${q(item)}: expected abs=NUMBER, rel=NUMBER or agreement=NUMBER (a share from 0 to 1)`),
  importOutNotEmpty: define('BERTH_IMPORT_OUT_NOT_EMPTY', 400, (dir: string) => `${dir} exists and was not written by berth import; choose another --out or remove it`),
  parityFailed: define('BERTH_PARITY_FAILED', 422, (summary: string, report: string) => `parity failed: the converted model does not answer like the original, so nothing was written or registered but the report (${report}).\n${summary}`),
} as const;

/** Retry-After for overload replies, in whole seconds (RFC 9110 §10.2.3). */
export function withRetryAfter(error: BerthError, seconds: number): BerthError {
  return new BerthError(error.code, error.status, error.message, {
    cause: error.cause,
    headers: { ...error.headers, 'retry-after': String(Math.max(1, Math.ceil(seconds))) },
  });
}

export function isBerthError(value: unknown): value is BerthError {
  return value instanceof BerthError;
}
