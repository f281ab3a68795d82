import type { Subject } from './subject.js';

/** One HTTP request through fastify's inject, with a request id; the body parsed when it is JSON. */
export async function send(
  subject: Subject,
  url: string,
  body: unknown,
  requestId?: string,
  headers: Record<string, string> = {},
) {
  const payload = Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
  const response = await subject.server.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}), ...headers },
  });
  let json: any;
  try {
    json = JSON.parse(response.body);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, json, raw: response.rawPayload };
}

/**
 * The traffic checks every dialect shares: each request id is answered by the version the policy
 * picks for it, the same again on a retry, and each of them is compared with the shadow.
 */
export async function checkTraffic(
  subject: Subject,
  dialect: string,
  predict: (requestId: string) => Promise<void>,
): Promise<void> {
  const ids = [...subject.ids(`${dialect}-stable`, 6, '1'), ...subject.ids(`${dialect}-canary`, 6, '2')];
  const retried = [...ids.slice(0, 3), ...ids.slice(-3)];
  for (const id of [...ids, ...retried]) await predict(id);
  const wrong = ids
    .filter((id) => subject.answeredBy.get(id) !== subject.versionFor(id))
    .map((id) => `${id} → ${subject.answeredBy.get(id)}`);
  if (wrong.length > 0) throw new Error(`answered by another version than the policy picks: ${wrong.join(', ')}`);
  const compared = await subject.shadowed([...ids, ...retried]);
  if (compared.some((event) => event.shadowVersion !== '3' || event.error !== undefined))
    throw new Error(`shadow comparisons: ${JSON.stringify(compared)}`);
  const byVersion = new Set(compared.map((event) => `${event.requestId}@${event.version}`));
  for (const id of ids)
    if (!byVersion.has(`${id}@${subject.versionFor(id)}`))
      throw new Error(`${id}: its answer from version ${subject.versionFor(id)} was not compared with the shadow`);
}
