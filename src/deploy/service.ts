import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { defaults } from '../core/defaults.js';
import { objectMeta, type ManifestContext } from './context.js';
import { selectorLabels } from './labels.js';

/**
 * One stable address for the replicas (https://kubernetes.io/docs/concepts/services-networking/service/).
 * Target ports are the container ports' names, so changing the server's port needs no Service change.
 * appProtocol tells meshes and load balancers which is HTTP/1.1 and which is cleartext HTTP/2 (gRPC).
 */
export function service(context: ManifestContext): V1Service {
  const { options, settings } = context;
  const ports: V1ServicePort[] = [
    { name: 'http', port: defaults.deploy.servicePort, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
  ];
  if (settings.server.grpcPort !== 0)
    ports.push({
      name: 'grpc',
      port: settings.server.grpcPort,
      targetPort: 'grpc',
      protocol: 'TCP',
      appProtocol: 'kubernetes.io/h2c',
    });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(context),
    spec: { type: options.serviceType, selector: selectorLabels(options.name), ports },
  };
}
