import FindMyWay from 'find-my-way';
import type { Route } from './route.js';

/** A request whose path is a route's but whose method is not one of that route's. */
export interface WrongMethod {
  /** The route's URL pattern. */
  url: string;
  /** Its methods (HEAD with GET, as fastify's exposeHeadRoutes adds it), for the Allow header. */
  allowed: string[];
  params: Record<string, string | undefined>;
}

/** The options of fastify's own router that decide which paths match (createHttpApp's routerOptions). */
export interface PathMatching {
  ignoreTrailingSlash: boolean;
  maxParamLength: number;
}

/**
 * A wrong method on a known path is 405 with Allow (RFC 9110 §15.5.6), not 404. The paths are
 * matched by a router of their own (fastify's, find-my-way, with the same options, so a path is a
 * route's here exactly when it is there), one entry per URL, and asked only about requests that
 * fastify's router did not match. Registering a route for every other method of every URL put
 * ~340 more entries in fastify's router, each compiled at every start: ~5 ms of the start-up.
 * Methods fastify does not route at all stay 404, as they were.
 */
export function wrongMethods(
  routes: readonly Route[],
  supportedMethods: readonly string[],
  matching: PathMatching,
): (method: string, url: string) => WrongMethod | undefined {
  const methodsByUrl = new Map<string, Set<string>>();
  for (const route of routes) methodsByUrl.set(route.url, (methodsByUrl.get(route.url) ?? new Set()).add(route.method));
  // Made at the first request fastify did not match rather than at start-up, where its ~60 entries
  // took ~2 ms on the way to the first /ready.
  let router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | undefined;
  const made = () => {
    const paths = FindMyWay(matching);
    for (const [url, methods] of methodsByUrl) {
      const allowed = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])];
      paths.on('GET', url, () => undefined, { url, allowed });
    }
    return paths;
  };
  const supported = new Set(supportedMethods);
  return (method, url) => {
    if (!supported.has(method)) return undefined;
    const found = (router ??= made()).find('GET', url);
    if (!found) return undefined;
    const { url: pattern, allowed } = found.store as { url: string; allowed: string[] };
    return allowed.includes(method) ? undefined : { url: pattern, allowed, params: found.params };
  };
}
