import type { ManifestFile } from './kube-object.js';

/**
 * kustomization.yaml listing the generated files, so `kubectl apply -k DIR` applies them all
 * (https://kubernetes.io/docs/tasks/manage-kubernetes-objects/kustomization/).
 */
export function kustomization(files: readonly ManifestFile[]): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: files.map((entry) => entry.file),
  };
}
