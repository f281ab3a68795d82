import { errors } from '../../core/errors.js';
import type { HttpContext, Route } from '../route.js';
import { dashboardAssets } from './assets.js';
import { dashboardPage } from './page.js';

/**
 * No inline script or style, nothing from another origin, no framing, no form posts: the page
 * runs only the scripts Berth serves and talks only to Berth
 * (https://www.w3.org/TR/CSP3/). Sent with the assets too, so the SVG icon opened on its own
 * cannot run script either.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Small files; revalidate so an upgraded server never runs an old script.
  'cache-control': 'no-cache',
};

/**
 * Open like /metrics and the probes: the page and its assets are the same static files for
 * everyone and carry no data. The data routes they call (/v1/models, /v2/models/…, …/drift) keep
 * requiring the API key, which the page asks for and sends as a Bearer token (static/api.js).
 */
export const dashboardOpenPaths = ['/', '/dashboard/:file'] as const;

/** GET / (the dashboard) and GET /dashboard/{file} (its scripts, stylesheet and icon). */
export function dashboardRoutes({ settings }: HttpContext): Route[] {
  const page = dashboardPage(settings.dashboard);
  return [
    {
      method: 'GET',
      url: '/',
      summary:
        'Dashboard page (HTML) for browsers: models, live traffic, latency and errors, drift and live accuracy charts; {"status":"alive"} (KServe v1 liveness) for any other client',
      tag: 'monitoring',
      handler: async (request, reply) => {
        reply.header('vary', 'accept');
        // KServe's model server answers GET / with {"status": "alive"}, and its clients probe it so.
        if (!acceptsHtml(request.headers.accept)) return { status: 'alive' };
        return reply.headers(securityHeaders).type('text/html; charset=utf-8').send(page);
      },
    },
    {
      method: 'GET',
      url: '/dashboard/:file',
      summary: "The dashboard page's scripts, stylesheet and icon, served by Berth (no CDN)",
      tag: 'monitoring',
      errors: [404],
      handler: async (request, reply) => {
        const name = (request.params as { file: string }).file;
        const asset = (await dashboardAssets()).get(name);
        if (!asset) throw errors.notFound('GET', `/dashboard/${name.slice(0, 100)}`);
        return reply.headers(securityHeaders).type(asset.contentType).send(asset.body);
      },
    },
  ];
}

/** Does the Accept header name HTML (a browser's does; `*\/*` or none is an API client's)? RFC 9110 §12.5.1. */
export function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    return (type === 'text/html' || type === 'application/xhtml+xml') && (q === undefined || Number(q.slice(2)) > 0);
  });
}
