/**
 * CloudEvents 1.0 for logged inferences, over HTTP (CloudEvents HTTP protocol binding 1.0):
 * binary mode (§3.1: attributes as `ce-*` headers, the body is the data) or structured mode
 * (§3.2: one `application/cloudevents+json` document). Pure: builds headers and bodies.
 *
 * Each logged inference becomes two events, a request and a response, as KServe's logger sends:
 * - 'kserve' types: `org.kubeflow.serving.inference.request` / `.response`, with KServe's
 *   extension attributes (`inferenceservicename` = model, `endpoint` = version,
 *   `component` = "predictor") and, like KServe, the request id as the `id` of both events,
 *   so consumers written for KServe join them as they do today;
 * - 'berth' types: `dev.berth.inference.request` / `.response`, ids `<request id>.request` /
 *   `.response` (unique per source, as the spec asks), extensions `requestid`, `model`,
 *   `modelversion`.
 */

export type EventFlavour = 'kserve' | 'berth';
export type EventMode = 'binary' | 'structured';
export type EventKind = 'request' | 'response';

export interface InferenceEventInput {
  kind: EventKind;
  requestId: string;
  model: string;
  version: string;
  /** ISO 8601 time of the inference. */
  time: string;
  /** JSON text of the request or response body. */
  dataJson: string;
  /** URI-reference naming the producer; default `/v2/models/<model>[/versions/<version>]`. */
  source?: string;
}

export interface HttpMessage {
  headers: Record<string, string>;
  body: string;
}

export const eventTypes: Record<EventFlavour, Record<EventKind, string>> = {
  kserve: { request: 'org.kubeflow.serving.inference.request', response: 'org.kubeflow.serving.inference.response' },
  berth: { request: 'dev.berth.inference.request', response: 'dev.berth.inference.response' },
};

/** Context attributes (spec §3.1 required + optional) and extensions, as strings. */
export function eventAttributes(input: InferenceEventInput, flavour: EventFlavour): Record<string, string> {
  const source =
    input.source ??
    `/v2/models/${encodeURIComponent(input.model)}${input.version ? `/versions/${encodeURIComponent(input.version)}` : ''}`;
  const base = { specversion: '1.0', type: eventTypes[flavour][input.kind], source, time: input.time };
  if (flavour === 'kserve') {
    return {
      ...base,
      id: input.requestId,
      inferenceservicename: input.model,
      endpoint: input.version,
      component: 'predictor',
    };
  }
  return {
    ...base,
    id: `${input.requestId}.${input.kind}`,
    requestid: input.requestId,
    model: input.model,
    modelversion: input.version,
  };
}

/** Binary content mode: `ce-<attribute>` headers, data as the body. */
export function binaryEvent(input: InferenceEventInput, flavour: EventFlavour): HttpMessage {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(eventAttributes(input, flavour)))
    headers[`ce-${name}`] = headerSafe(value);
  return { headers, body: input.dataJson };
}

/** Structured content mode: the whole event as one JSON document (JSON event format §3). */
export function structuredEvent(input: InferenceEventInput, flavour: EventFlavour): HttpMessage {
  const envelope = JSON.stringify({ ...eventAttributes(input, flavour), datacontenttype: 'application/json' });
  // The data is already JSON text: splice it in rather than parse and re-serialise it.
  return {
    headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    body: `${envelope.slice(0, -1)},"data":${input.dataJson}}`,
  };
}

export function httpEvent(input: InferenceEventInput, flavour: EventFlavour, mode: EventMode): HttpMessage {
  return mode === 'binary' ? binaryEvent(input, flavour) : structuredEvent(input, flavour);
}

/**
 * Header values must be printable ASCII: the HTTP binding (§3.1.3.2) percent-encodes the rest
 * (and '%' itself, and '"').
 */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]|[%"]/gu, (ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return '%EF%BF%BD'; // a lone surrogate: U+FFFD, as a UTF-8 decoder would show it
    }
  });
}
