/**
 * Headers on every reply (OWASP Secure Headers): no MIME sniffing, no framing, no referrer, and a
 * content security policy that lets a JSON reply opened in a browser run nothing. Pages that
 * render (Swagger UI at /docs, the dashboard) send their own, narrower-than-default policy.
 */
export const baselineHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/**
 * Swagger UI (https://www.w3.org/TR/CSP3/): its own scripts and the one start-up script, all
 * served by Berth; inline styles, which its React components set; data: images (its icons);
 * requests to this server only ("Try it out").
 */
export const docsContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
