import { registryHost } from '../core/image-ref.js';
import { localRegistry } from '../core/image-name.js';

/**
 * Where the nodes will get the image, when that is worth a word before a deploy. A `localhost/`
 * name is a local build (Berth's default, the name `berth build` keeps): only a node that was given
 * the image can run it. A name without a registry is read as docker.io by the node's runtime
 * (https://kubernetes.io/docs/concepts/containers/images/#image-names). Pure.
 */
export function imageSourceNote(image: string): string | undefined {
  const host = registryHost(image);
  const push =
    'push it with `berth build --containerize --push REGISTRY/REPOSITORY` and deploy the printed reference with --image';
  if (host === localRegistry)
    return `image ${image} is a local build: a node can run it only if it was loaded into the node's runtime (kind load docker-image, ctr images import); for any other cluster, ${push}`;
  if (host === undefined)
    return `image ${image} names no registry, so the nodes pull docker.io/${image.includes('/') ? '' : 'library/'}${image}; if it is not there, ${push}`;
  return undefined;
}
