import type { V1ObjectMeta } from '@kubernetes/client-node';

/** Any Kubernetes object Berth writes or applies: typed kinds and custom resources alike. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta & { name: string };
  [field: string]: unknown;
}

/** A generated object and the file it is written to. */
export interface ManifestFile {
  file: string;
  object: KubeObject;
}
