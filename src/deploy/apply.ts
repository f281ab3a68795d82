import type { Cluster } from './cluster.js';
import type { KubeObject, ManifestFile } from './kube-object.js';

export interface AppliedObject {
  kind: string;
  name: string;
  namespace: string;
  /** The API server's answer (dry-run or stored). */
  result: KubeObject;
}

/** Every object gets the target namespace, whether or not the manifests named one. */
export function inNamespace(files: readonly ManifestFile[], namespace: string): KubeObject[] {
  return files.map((entry) => ({ ...entry.object, metadata: { ...entry.object.metadata, namespace } }));
}

/**
 * Server-side apply of each object in order (Service first, so the Deployment's pods join
 * endpoints at once). `dryRun` asks the API server to run validation, defaulting and admission
 * and store nothing (dryRun=All): what `kubectl apply --server-side --dry-run=server` shows.
 */
export async function applyObjects(
  cluster: Cluster,
  objects: readonly KubeObject[],
  options: { dryRun: boolean; onProgress?: (line: string) => void },
): Promise<AppliedObject[]> {
  const applied: AppliedObject[] = [];
  for (const object of objects) {
    const result = await cluster.apply(object, { dryRun: options.dryRun });
    const namespace = object.metadata.namespace ?? '';
    applied.push({ kind: object.kind, name: object.metadata.name, namespace, result });
    options.onProgress?.(
      `${object.kind}/${object.metadata.name} ${options.dryRun ? 'accepted (server dry run)' : 'applied'}`,
    );
  }
  return applied;
}
