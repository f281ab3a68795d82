import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type V1PodTemplateSpec,
} from '@kubernetes/client-node';
import { hostFacts } from '../core/env.js';
import { errors } from '../core/errors.js';
import type { Cluster } from './cluster.js';
import type { KubeObject } from './kube-object.js';

/** Field manager of every Berth write (https://kubernetes.io/docs/reference/using-api/server-side-apply/#managers). */
export const fieldManager = 'berth';

/**
 * The user's kubeconfig: $KUBECONFIG (a list of files, merged as kubectl does, first wins) or
 * ~/.kube/config. Read through core/env.ts, the one module that reads the environment.
 */
export function loadKubeConfig(
  facts: Pick<ReturnType<typeof hostFacts>, 'kubeconfig' | 'home'> = hostFacts(),
): KubeConfig {
  const paths = facts.kubeconfig
    ? facts.kubeconfig.split(delimiter).filter(Boolean)
    : facts.home
      ? [join(facts.home, '.kube', 'config')]
      : [];
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length === 0)
    throw errors.noKubeconfig(
      paths.length > 0 ? `${paths.join(', ')} does not exist` : 'KUBECONFIG is not set and there is no home folder',
    );
  const config = new KubeConfig();
  config.loadFromFile(existing[0]!);
  for (const path of existing.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(path);
    config.mergeConfig(more, true);
  }
  if (!config.getCurrentCluster())
    throw errors.noKubeconfig(`the current context of ${existing.join(', ')} names no cluster`);
  return config;
}

/**
 * The real cluster. Writes are server-side apply with force=true: Berth's manifests are the
 * declared state of the fields Berth sets, so a conflicting `kubectl edit`/`kubectl scale` of one
 * of those fields is overwritten on the next deploy (as `kubectl apply --server-side
 * --force-conflicts` does), while fields Berth does not set — spec.replicas under an HPA, labels
 * other tools add — keep their own managers and are never touched
 * (https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts).
 */
export function kubeCluster(config: KubeConfig = loadKubeConfig()): Cluster {
  const objects = KubernetesObjectApi.makeApiClient(config);
  const apps = config.makeApiClient(AppsV1Api);
  const core = config.makeApiClient(CoreV1Api);
  const autoscaling = config.makeApiClient(AutoscalingV2Api);
  const discovery = config.makeApiClient(DiscoveryV1Api);
  const context = config.getContextObject(config.getCurrentContext());

  return {
    defaultNamespace: context?.namespace || 'default',
    async apply(object, { dryRun }) {
      const result = await call(`apply ${object.kind}/${object.metadata.name}`, () =>
        objects.patch(object, undefined, dryRun ? 'All' : undefined, fieldManager, true, PatchStrategy.ServerSideApply),
      );
      return result as unknown as KubeObject;
    },
    getDeployment: (namespace, name) =>
      orUndefined(`read Deployment ${namespace}/${name}`, () => apps.readNamespacedDeployment({ name, namespace })),
    async listReplicaSets(namespace, labelSelector) {
      return (
        await call(`list ReplicaSets in ${namespace}`, () =>
          apps.listNamespacedReplicaSet({ namespace, labelSelector }),
        )
      ).items;
    },
    async listPods(namespace, labelSelector) {
      return (await call(`list Pods in ${namespace}`, () => core.listNamespacedPod({ namespace, labelSelector })))
        .items;
    },
    async listPodEvents(namespace) {
      const events = (
        await call(`list Events in ${namespace}`, () =>
          core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.kind=Pod' }),
        )
      ).items;
      const time = (event: (typeof events)[number]) =>
        new Date(event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? 0).getTime();
      return events.sort((a, b) => time(a) - time(b));
    },
    getHorizontalPodAutoscaler: (namespace, name) =>
      orUndefined(`read HorizontalPodAutoscaler ${namespace}/${name}`, () =>
        autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace }),
      ),
    getService: (namespace, name) =>
      orUndefined(`read Service ${namespace}/${name}`, () => core.readNamespacedService({ name, namespace })),
    async listEndpointSlices(namespace, service) {
      return (
        await call(`list EndpointSlices of Service ${namespace}/${service}`, () =>
          discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${service}` }),
        )
      ).items;
    },
    async listNodesAndPods() {
      try {
        const [nodes, pods] = await Promise.all([
          core.listNode(),
          core.listPodForAllNamespaces({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }),
        ]);
        return { nodes: nodes.items, pods: pods.items };
      } catch (cause) {
        if (cause instanceof ApiException && (cause.code === 403 || cause.code === 401)) return undefined;
        throw errors.kubeApi('list nodes and pods', explain(cause));
      }
    },
    async annotateReplicaSet(namespace, name, annotations) {
      const body = { metadata: { annotations } };
      await call(`annotate ReplicaSet ${namespace}/${name}`, () =>
        apps.patchNamespacedReplicaSet(
          { name, namespace, body, fieldManager },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
    },
    async replaceTemplate(namespace, name, template: V1PodTemplateSpec, annotations) {
      // A JSON patch replaces the template whole, as `kubectl rollout undo` does; a merge patch
      // would keep env variables and volumes the newer revision added.
      const current = await apps.readNamespacedDeployment({ name, namespace });
      const patch: object[] = [{ op: 'replace', path: '/spec/template', value: template }];
      if (Object.keys(annotations).length > 0) {
        if (current.metadata?.annotations)
          for (const [key, value] of Object.entries(annotations))
            patch.push({
              op: 'add',
              path: `/metadata/annotations/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
              value,
            });
        else patch.push({ op: 'add', path: '/metadata/annotations', value: annotations });
      }
      return call(`roll back Deployment ${namespace}/${name}`, () =>
        apps.patchNamespacedDeployment(
          { name, namespace, body: patch, fieldManager },
          setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
        ),
      );
    },
  };
}

async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    throw errors.kubeApi(action, explain(cause));
  }
}

async function orUndefined<T>(action: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (cause) {
    if (cause instanceof ApiException && cause.code === 404) return undefined;
    throw errors.kubeApi(action, explain(cause));
  }
}

/** The API server's Status message when there is one (422 validation, 403 RBAC, 409 conflict). */
function explain(cause: unknown): string {
  if (cause instanceof ApiException) {
    const body = typeof cause.body === 'string' ? safeJson(cause.body) : cause.body;
    const message = (body as { message?: string } | undefined)?.message;
    return `HTTP ${cause.code}${message ? `: ${message}` : ''}`;
  }
  const error = cause as NodeJS.ErrnoException;
  return error.code ? `${error.code}: ${error.message}` : String(error?.message ?? cause);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 300) };
  }
}
