/**
 * The model repository extension's operations (Triton's extension_model_repository.md), as the
 * REST routes and the gRPC service both call them. Present only when serving from a repository.
 */
export interface RepositoryIndexEntry {
  name: string;
  version: string;
  /** READY, LOADING, FAILED, UNLOADED or UNAVAILABLE (in the repository, not loaded). */
  state: string;
  reason: string;
}

export interface ModelRepository {
  /** Every version in the repository with its state; `readyOnly` keeps the READY ones (the extension's `ready`). */
  repositoryIndex(readyOnly?: boolean): Promise<RepositoryIndexEntry[]>;
  /** Loads (or reloads) a model, following its alias, or the pinned `version` (checked: a bad one is 400). */
  loadModel(name: string, version?: unknown): Promise<void>;
  /** Unloads every version of a model; in-flight requests finish first. */
  unloadModel(name: string): Promise<void>;
}
