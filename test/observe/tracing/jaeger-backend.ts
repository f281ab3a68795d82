import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForReady } from '../../helpers/process.js';

/** A span as Jaeger's API v3 returns it (OTLP JSON), with its resource's attributes. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: number | string;
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
  status?: { code?: number | string };
  resource: Record<string, unknown>;
}

/** A running Jaeger v2 (memory storage), its OTLP/HTTP receiver and query API on free loopback ports. */
export interface Jaeger {
  otlpUrl: string;
  trace(traceId: string, minSpans: number): Promise<StoredSpan[]>;
  /** The service's spans, polled until `enough` holds (by default: any at all). */
  traces(service: string, enough?: (spans: StoredSpan[]) => boolean): Promise<StoredSpan[]>;
  stop(): Promise<void>;
}

/** Where scripts/tracing/jaeger.sh builds the binary; undefined when it is not built. */
export async function jaegerBinary(): Promise<string | undefined> {
  const path = execFileSync('bash', ['scripts/tracing/jaeger.sh', 'path'], { encoding: 'utf8' }).trim();
  return (await access(path, constants.X_OK).then(
    () => true,
    () => false,
  ))
    ? path
    : undefined;
}

/** Jaeger on fresh ports; a port found free can be taken by another test's server before Jaeger binds it, so a bind that fails gets new ports, up to three times. */
export async function startJaeger(binary: string): Promise<Jaeger> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchJaeger(binary);
    } catch (error) {
      if (attempt === 3 || !(error as Error).message.includes('address already in use')) throw error;
    }
  }
}

async function launchJaeger(binary: string): Promise<Jaeger> {
  const [otlp, queryHttp, queryGrpc] = [await freePort(), await freePort(), await freePort()];
  const dir = await mkdtemp(join(tmpdir(), 'berth-jaeger-'));
  const config = join(dir, 'config.yaml');
  // Jaeger's all-in-one configuration, on loopback ports of our own and with nothing else listening.
  await writeFile(
    config,
    `
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_query:
    storage:
      traces: memory_store
    http:
      endpoint: 127.0.0.1:${queryHttp}
    grpc:
      endpoint: 127.0.0.1:${queryGrpc}
  jaeger_storage:
    backends:
      memory_store:
        memory:
          max_traces: 10000
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlp}
processors:
  batch:
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memory_store
`,
  );
  const child: ChildProcess = spawn(binary, ['--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const closed = once(child, 'close'); // its stderr read to the end
  const query = `http://127.0.0.1:${queryHttp}`;
  try {
    await waitForReady(`${query}/api/services`, 60_000, child);
  } catch (error) {
    child.kill('SIGKILL');
    await closed;
    await rm(dir, { recursive: true, force: true });
    throw new Error(`Jaeger did not start: ${(error as Error).message}\n${output}`);
  }

  const spansOf = (body: unknown): StoredSpan[] => {
    const resourceSpans = (body as { result?: { resourceSpans?: unknown[] } }).result?.resourceSpans ?? [];
    return (
      resourceSpans as Array<{ resource?: { attributes?: Attr[] }; scopeSpans?: Array<{ spans?: RawSpan[] }> }>
    ).flatMap((resourceSpan) =>
      (resourceSpan.scopeSpans ?? []).flatMap((scope) =>
        (scope.spans ?? []).map((span) => ({
          ...span,
          attributes: attributesOf(span.attributes),
          links: span.links ?? [],
          resource: attributesOf(resourceSpan.resource?.attributes),
        })),
      ),
    );
  };
  /** Polls: the collector batches, so spans appear a moment after they are sent. */
  const poll = async (url: string, enough: (spans: StoredSpan[]) => boolean): Promise<StoredSpan[]> => {
    let spans: StoredSpan[] = [];
    for (let attempt = 0; attempt < 150; attempt++) {
      const response = await fetch(url);
      if (response.status === 200) spans = spansOf(await response.json());
      if (enough(spans)) return spans;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return spans;
  };
  return {
    otlpUrl: `http://127.0.0.1:${otlp}/v1/traces`,
    trace: (traceId, minSpans) => poll(`${query}/api/v3/traces/${traceId}`, (spans) => spans.length >= minSpans),
    traces: (service, enough = (spans) => spans.length > 0) => {
      const start = new Date(Date.now() - 3_600_000).toISOString();
      const end = new Date(Date.now() + 60_000).toISOString();
      const search = new URLSearchParams({
        'query.service_name': service,
        'query.start_time_min': start,
        'query.start_time_max': end,
        'query.num_traces': '1000',
      });
      return poll(`${query}/api/v3/traces?${search}`, enough);
    },
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

type Attr = { key: string; value: Record<string, unknown> };
type RawSpan = Omit<StoredSpan, 'attributes' | 'links' | 'resource'> & {
  attributes?: Attr[];
  links?: StoredSpan['links'];
};

/** OTLP JSON attributes ({ key, value: { stringValue | intValue | … } }) as a plain object. */
function attributesOf(attributes: Attr[] = []): Record<string, unknown> {
  const plain = (value: Record<string, unknown>): unknown => {
    const array = value.arrayValue as { values?: Array<Record<string, unknown>> } | undefined;
    return array ? (array.values ?? []).map(plain) : Object.values(value)[0];
  };
  return Object.fromEntries(attributes.map(({ key, value }) => [key, plain(value)]));
}
