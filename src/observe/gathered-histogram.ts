import { Histogram, type LabelValues, type ObserveDataWithExemplar } from 'prom-client';

/** What prom-client's Metric sets on itself and its typings leave out. */
interface MetricFields {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  labelNames: string[];
  upperBounds: number[];
  collect?: () => unknown;
}

interface Series {
  key: string;
  labels: Record<string, string | number>;
  /** Observations per bucket (not cumulative); past the last bound they count only in `count`. */
  buckets: Float64Array;
  sum: number;
  count: number;
}

/** One value of prom-client's metric output (`get()`'s `values`, before the labels are splayed). */
interface Sample {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string | number>;
  value: number;
  metricName: string;
  exemplar: null | undefined;
}

/**
 * A prom-client histogram (without exemplars) whose observations cost a lookup and two additions.
 * prom-client's observe allocates a closure and a pair, checks the labels, builds their hash string
 * and finds the bucket by turning its bound into a property name: 0.3–0.6 µs, three or more times a
 * request (request, inference and queue durations) on a main thread that is the bottleneck at 64
 * connections. Here a series is found by its label values (a bound observer skips even that) and
 * its buckets are a Float64Array. What the registry reads (`get`, the text exposition, the cluster
 * aggregate) is built as prom-client builds it, value for value; observations outside `observe`
 * (`labels()`, `startTimer()`, `zero`, `remove`, `reset`) go through the same series.
 */
export class GatheredHistogram<L extends string = string> extends Histogram<L> {
  readonly #series = new Map<string, Series>();
  readonly #bounds: Float64Array;
  readonly #names: string[];
  readonly #fields: MetricFields;

  constructor(configuration: ConstructorParameters<typeof Histogram<L>>[0]) {
    super({ ...configuration, enableExemplars: false });
    this.#fields = this as unknown as MetricFields;
    this.#bounds = Float64Array.from(this.#fields.upperBounds);
    this.#names = [...this.#fields.labelNames];
    // prom-client points `observe` at its own method in the constructor; this class's is the one.
    this.observe = GatheredHistogram.prototype.observe as Histogram<L>['observe'];
    // Like prom-client's, a histogram without labels shows its one series from the start.
    if (this.#names.length === 0) this.zero({} as LabelValues<L>);
  }

  override observe(value: number): void;
  override observe(labels: LabelValues<L>, value: number): void;
  override observe(data: ObserveDataWithExemplar<L>): void;
  override observe(labelsOrValue: LabelValues<L> | number | ObserveDataWithExemplar<L>, value?: number): void {
    let labels: LabelValues<L>;
    if (typeof labelsOrValue === 'number') {
      value = labelsOrValue;
      labels = {} as LabelValues<L>;
    } else if (value === undefined && labelsOrValue && 'value' in labelsOrValue && 'labels' in labelsOrValue) {
      // The object form (exemplars are off here: prom-client ignores them too).
      const data = labelsOrValue as ObserveDataWithExemplar<L>;
      value = data.value;
      labels = data.labels ?? ({} as LabelValues<L>);
    } else labels = (labelsOrValue ?? {}) as LabelValues<L>;
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    record(this.#find(labels), this.#bounds, value!);
  }

  /** An observer of one label set, found once: the request path's cheapest way in. */
  observer(labels: LabelValues<L>): (value: number) => void {
    const key = this.#keyOf(labels);
    const bounds = this.#bounds;
    let series: Series | undefined;
    return (value) => {
      // The series appears at its first observation, and a reset or remove drops it, as in prom-client.
      if (series !== undefined && this.#series.get(key) === series && Number.isFinite(value))
        record(series, bounds, value);
      else {
        this.observe(labels, value);
        series = this.#series.get(key);
      }
    };
  }

  override labels(...values: Array<string | number> | [LabelValues<L>]) {
    const labels = this.#labelsOf(values);
    return {
      observe: (value: number) => this.observe(labels, value),
      startTimer: () => this.startTimer(labels),
    };
  }

  override zero(labels: LabelValues<L>): void {
    const key = this.#keyOf(labels);
    this.#series.set(key, newSeries(key, labels, this.#bounds.length));
  }

  override remove(...values: Array<string | number> | [LabelValues<L>]): void {
    this.#series.delete(this.#keyOf(this.#labelsOf(values)));
  }

  override reset(): void {
    // prom-client's constructor resets too, before this class's fields exist.
    if (#series in this) this.#series.clear();
  }

  /** What the registry reads for the text exposition (prom-client looks for this method by name). */
  async getForPromString() {
    const { name, help, type, aggregator, upperBounds, collect } = this.#fields;
    if (collect) await this.#fields.collect!();
    const bucketName = `${name}_bucket`;
    const values: Sample[] = [];
    for (const series of this.#series.values()) {
      const shared = series.labels;
      let cumulative = 0;
      for (let i = 0; i < this.#bounds.length; i++) {
        cumulative += series.buckets[i]!;
        values.push(sample({ le: upperBounds[i]! }, cumulative, bucketName, null, shared));
      }
      values.push(
        sample({ le: '+Inf' }, series.count, bucketName, null, shared),
        sample({}, series.sum, `${name}_sum`, undefined, shared),
        sample({}, series.count, `${name}_count`, undefined, shared),
      );
    }
    return { name, help, type, values, aggregator };
  }

  override async get(): ReturnType<Histogram<L>['get']> {
    const data = await this.getForPromString();
    const values = data.values.map(({ sharedLabels, labels, ...rest }) => ({
      ...rest,
      labels: Object.assign(labels, sharedLabels),
    }));
    return { ...data, values } as unknown as Awaited<ReturnType<Histogram<L>['get']>>;
  }

  #find(labels: LabelValues<L>): Series {
    const key = this.#keyOf(labels);
    let series = this.#series.get(key);
    if (!series) {
      for (const name in labels)
        if (!this.#names.includes(name))
          throw new Error(`Added label "${name}" is not included in initial labelset: ${this.#names.join(', ')}`);
      this.#series.set(key, (series = newSeries(key, labels, this.#bounds.length)));
    }
    return series;
  }

  #keyOf(labels: LabelValues<L>): string {
    const names = this.#names;
    const record = labels as Record<string, string | number | undefined>;
    if (names.length === 1) return String(record[names[0]!] ?? '\u0001');
    let key = '';
    for (const name of names) key += `${record[name] ?? '\u0001'}\u0000`;
    return key;
  }

  #labelsOf(values: Array<string | number> | [LabelValues<L>]): LabelValues<L> {
    if (values.length === 1 && typeof values[0] === 'object') return values[0];
    const labels: Record<string, string | number> = {};
    values.forEach((value, i) => {
      if (i < this.#names.length) labels[this.#names[i]!] = value as string | number;
    });
    return labels as LabelValues<L>;
  }
}

/** `value` is finite. */
function record(series: Series, bounds: Float64Array, value: number): void {
  let i = 0;
  while (i < bounds.length && value > bounds[i]!) i++;
  if (i < bounds.length) series.buckets[i]!++;
  series.sum += value;
  series.count++;
}

function newSeries(key: string, labels: LabelValues<string>, buckets: number): Series {
  const copy = { ...(labels as Record<string, string | number>) };
  return { key, labels: copy, buckets: new Float64Array(buckets), sum: 0, count: 0 };
}

function sample(
  labels: Record<string, string | number>,
  value: number,
  metricName: string,
  exemplar: null | undefined,
  sharedLabels: Record<string, string | number>,
): Sample {
  return { labels, sharedLabels, value, metricName, exemplar };
}
