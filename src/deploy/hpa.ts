import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { objectMeta, type ManifestContext } from './context.js';

/**
 * autoscaling/v2 HPA on CPU utilisation of the request
 * (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/). It needs
 * metrics-server in the cluster, or it sits at `<unknown>` and never scales (the seed's warning).
 * scaleDown.stabilizationWindowSeconds keeps replicas after a spike instead of flapping
 * (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#stabilization-window).
 */
export function horizontalPodAutoscaler(context: ManifestContext): V2HorizontalPodAutoscaler {
  const { options } = context;
  const a = options.autoscaling;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: objectMeta(context),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: options.name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCPUUtilization } },
        },
      ],
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: a.scaleDownStabilizationSeconds,
          selectPolicy: 'Max',
          policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
        },
      },
    },
  };
}
