/**
 * The model registry's public API, for the CLI (`berth models …`) and the server (serving from a
 * repository, version switching, `POST /v2/repository/index`). Depends only on core; the caller
 * supplies `describe` (signature and producer from the ONNX runtime) and reference statistics.
 */
export {
  resolveModel,
  registryLookup,
  listModels,
  listVersions,
  listModelNames,
  type ResolvedModel,
  type ModelSummary,
  type VersionSummary,
} from './catalog.js';
export { registerModel, type RegisterOptions, type RegisterResult, type RegisterHooks } from './register.js';
export {
  setAlias,
  rollback,
  deleteVersion,
  type AliasChange,
  type DeleteResult,
  type ManageOptions,
} from './manage.js';
export { verifyRepository, verifyVersion, type VerifyReport, type VersionCheck, type VerifyStatus } from './verify.js';
export {
  watchRepository,
  scanRepository,
  diffSnapshots,
  type RepositoryWatcher,
  type RepositoryChange,
  type RepositorySnapshot,
  type ModelState,
  type WatchOptions,
} from './watch.js';
export { readAliases, type AliasesFile, type AliasEntry } from './aliases.js';
export { parseModelRef, repositoryRoot, type ModelRef } from './layout.js';
export {
  parseMetrics,
  parseParams,
  readVersionMetadata,
  type VersionMetadata,
  type ModelSignature,
  type ModelFacts,
  type DescribeModel,
} from './metadata.js';
