/**
 * Monitoring for every model the server serves. The model manager tells it when a
 * version starts serving (`versionLoaded`: find the reference profile, plan how to read rows and
 * predictions from its tensors, create the detector and feedback tracker) and when it stops
 * (`versionUnloaded`: drop it and its Prometheus series). The data plane's observer feeds every
 * inference in — an O(rows) copy, never a computation, never a throw. Reports are computed on
 * GET …/drift (cached) and on a timer that refreshes the gauges, off the request path.
 */
import type { ModelConfig, Settings } from '../../core/config.js';
import { errors } from '../../core/errors.js';
import type {
  InferenceEvent,
  InferenceRequest,
  InferenceResponse,
  LoadedVersion,
  ModelMetadata,
} from '../../core/inference.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { MonitoringReport } from './drift-rule.js';
import { planFeatures, planPrediction, type RowLayoutLike } from './extract.js';
import { clearVersion, publishAccuracy, publishDrift } from './gauges.js';
import { ServerPayloadLog } from './payload-log.js';
import { AnsweredBy } from './answered-by.js';
import { asFloat32Inputs, float32Features, modelReference, storedReference, type Reference } from './reference.js';
import { VersionMonitor } from './version-monitor.js';

/** Rows ↔ tensors (the row dialects' decoder), handed in: observe/ depends on core/ only. */
export interface RowCodec {
  layout(metadata: ModelMetadata, config: ModelConfig): RowLayoutLike | string;
  /** Rows of values in feature order → one request; throws a BerthError naming the bad cell. */
  encode(rows: unknown[][], metadata: ModelMetadata, config: ModelConfig): InferenceRequest;
}

export interface MonitoringOptions {
  settings: Settings['monitoring'];
  metrics: Metrics;
  logger: Logger;
  codec: RowCodec;
  /** Reference for file-served models (berth.yaml monitoring.reference: a CSV, or a profile JSON); '' = none. */
  referenceCsv?: string;
  /** Rows per model call when predicting the reference data. */
  maxRows?: number;
}

export class ModelMonitoring {
  readonly settings: Settings['monitoring'];
  readonly payloadLog: ServerPayloadLog | null;
  private readonly options: MonitoringOptions;
  private readonly monitors = new Map<string, Map<string, VersionMonitor>>();
  private readonly answeredBy: AnsweredBy;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | null = null;

  constructor(options: MonitoringOptions) {
    this.options = options;
    this.settings = options.settings;
    this.payloadLog = options.settings.payloadLog.enabled
      ? new ServerPayloadLog(options.settings.payloadLog, options.metrics)
      : null;
    this.answeredBy = new AnsweredBy(options.settings.feedback.maxPending);
  }

  /** The data plane observer. The data plane already shields requests from a throw; this never throws anyway. */
  readonly observe = (event: InferenceEvent): void => {
    // Inferences Berth makes for itself (feedback by inputs) are not traffic, nor drift.
    if (event.request.origin === 'feedback') return;
    try {
      const versions = this.monitors.get(event.model);
      const monitor = versions?.get(event.version);
      if (monitor) {
        monitor.observe(event, Date.now());
        // Canary or shadow: remember which version answered, so feedback by id finds it.
        if (versions!.size > 1 && event.requestId !== undefined && event.response)
          this.answeredBy.remember(event.model, event.requestId, event.version);
      }
    } catch (error) {
      this.options.logger.debug({ model: event.model, error: String(error) }, 'drift observe failed');
    }
    this.payloadLog?.log(event);
  };

  async versionLoaded(loaded: LoadedVersion): Promise<void> {
    if (!this.settings.enabled) return;
    const { name, version, config, metadata } = loaded;
    const layout = this.options.codec.layout(metadata, config);
    const prediction = planPrediction(metadata, config);
    const reference = await this.findReference(loaded, metadata, layout);
    let features = reference
      ? planFeatures(
          layout,
          reference.profile.features.map((feature) => feature.name),
        )
      : null;
    if (reference && !features) {
      this.options.logger.warn(
        { model: name, version, reference: reference.source },
        'no reference feature matches a model input; drift is off for this version',
      );
    }
    let usable = reference;
    if (reference && features && features.unmatched.length > 0) {
      this.options.logger.warn(
        { model: name, version, features: features.unmatched },
        'reference features the model does not take are left out of drift',
      );
      const kept = new Set(features.features);
      usable = {
        ...reference,
        profile: {
          ...reference.profile,
          features: reference.profile.features.filter((feature) => kept.has(feature.name)),
        },
      };
      features = { ...features, unmatched: [] };
    }
    if (usable && features)
      usable = { ...usable, profile: asFloat32Inputs(usable.profile, float32Features(features, metadata)) };
    const monitor = new VersionMonitor({
      model: name,
      version,
      settings: this.settings,
      features,
      prediction,
      reference: features ? usable : null,
    });
    let versions = this.monitors.get(name);
    if (!versions) this.monitors.set(name, (versions = new Map()));
    versions.set(version, monitor);
    this.options.logger.info(
      {
        model: name,
        version,
        drift: monitor.detector ? monitor.reference!.source : 'off (no reference profile)',
        feedback: monitor.task ?? 'off',
      },
      'monitoring',
    );
  }

  versionUnloaded(name: string, version: string): void {
    const monitor = this.monitors.get(name)?.get(version);
    if (!monitor) return;
    this.monitors.get(name)!.delete(version);
    if (this.monitors.get(name)!.size === 0) this.monitors.delete(name);
    clearVersion(
      this.options.metrics,
      name,
      version,
      monitor.reference?.profile.features.map((feature) => feature.name) ?? [],
    );
  }

  private async findReference(
    loaded: LoadedVersion,
    metadata: ModelMetadata,
    layout: RowLayoutLike | string,
  ): Promise<Reference | null> {
    if (loaded.reference) {
      try {
        return storedReference(loaded.reference, `${loaded.name}@${loaded.version} reference.profile`);
      } catch (error) {
        // A registry version is immutable: refusing to serve it would not repair it.
        this.options.logger.error(
          { model: loaded.name, version: loaded.version, error: (error as Error).message },
          'stored reference profile is unusable; drift is off for this version',
        );
        return null;
      }
    }
    const path = this.options.referenceCsv ?? '';
    if (path === '') return null;
    // berth.yaml asked for it: a reference that does not fit the model fails the load, loudly.
    const { codec } = this.options;
    return modelReference(
      path,
      {
        metadata,
        config: loaded.config,
        layout,
        encode: (rows) => codec.encode(rows, metadata, loaded.config),
        infer: (request) => loaded.infer(request),
        maxRows: this.options.maxRows ?? 1000,
      },
      this.settings.drift,
    );
  }

  /** The monitor of a version; without a version, the one answering requests that name none. */
  monitor(name: string, version: string | undefined, current: string | undefined): VersionMonitor | undefined {
    const versions = this.monitors.get(name);
    if (!versions) return undefined;
    if (version !== undefined) return versions.get(version);
    return (current !== undefined ? versions.get(current) : undefined) ?? [...versions.values()].at(-1);
  }

  /** Every monitored version of a model, newest first (feedback by id tries each). */
  versionsOf(name: string): VersionMonitor[] {
    return [...(this.monitors.get(name)?.values() ?? [])].reverse();
  }

  /**
   * Feedback by request id: the true value(s) for a prediction made earlier. Throws
   * notMonitored, unknownPredictionId (404) or badFeedbackValue (400); counts every outcome.
   */
  feedbackById(name: string, requestId: string, truth: unknown, current: string | undefined) {
    const monitor = this.feedbackMonitor(name, this.answeredBy.version(name, requestId), current);
    if (this.settings.feedback.maxPending === 0)
      throw errors.notMonitored(
        name,
        'monitoring.feedback.maxPending is 0, so predictions are not remembered by request id; send {"instances", "values"} instead',
      );
    return this.counted(monitor, () => monitor.feedbackById(requestId, truth, Date.now()));
  }

  /** Feedback by inputs: predictions Berth made just now for the given rows, and their true values. */
  feedbackByOutcome(name: string, version: string, response: InferenceResponse, truths: unknown[]) {
    const monitor = this.feedbackMonitor(name, version, version);
    const predictions = monitor.predictionsOf(response) ?? [];
    if (predictions.length !== truths.length)
      throw errors.badFeedbackValue(`${predictions.length} value(s), one per instance`, String(truths.length));
    return this.counted(monitor, () => monitor.feedbackByOutcome(predictions, truths, Date.now()));
  }

  private feedbackMonitor(name: string, version: string | undefined, current: string | undefined): VersionMonitor {
    if (!this.settings.enabled) throw errors.notMonitored(name, 'monitoring.enabled is false in berth.yaml');
    const monitor = this.monitor(name, version, current);
    if (!monitor?.feedback) throw errors.notMonitored(name, 'its outputs give no prediction to compare with');
    return monitor;
  }

  private counted(monitor: VersionMonitor, record: () => { rows: number; correct?: number }) {
    let outcome;
    try {
      outcome = record();
    } catch (error) {
      const code = (error as { code?: string }).code;
      this.options.metrics.feedback.inc({
        model: monitor.model,
        outcome: code === errors.unknownPredictionId.code ? 'unmatched' : 'rejected',
      });
      throw error;
    }
    this.options.metrics.feedback.inc({ model: monitor.model, outcome: 'matched' });
    const accuracy = monitor.accuracy(Date.now())!;
    publishAccuracy(this.options.metrics, monitor.model, monitor.version, accuracy);
    return {
      model: monitor.model,
      version: monitor.version,
      rows: outcome.rows,
      ...(outcome.correct === undefined ? {} : { correct: outcome.correct }),
      accuracy,
    };
  }

  /** Recomputes every report and the gauges now (also what the timer does). */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshAll().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refreshAll(): Promise<void> {
    for (const versions of [...this.monitors.values()]) {
      for (const monitor of [...versions.values()]) {
        try {
          await this.publish(monitor, await monitor.report(Date.now(), true));
        } catch (error) {
          this.options.logger.warn(
            { model: monitor.model, version: monitor.version, error: String(error) },
            'drift report failed',
          );
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  /** Gauges from a report (and live accuracy, which exists without a reference too). */
  async publish(monitor: VersionMonitor, report: MonitoringReport | null): Promise<void> {
    if (report) publishDrift(this.options.metrics, report);
    const accuracy = report?.accuracy ?? monitor.accuracy(Date.now());
    if (accuracy) publishAccuracy(this.options.metrics, monitor.model, monitor.version, accuracy);
  }

  /** Starts the refresh timer (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.settings.drift.reportIntervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the timer and flushes the payload log (graceful drain). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing;
    await this.payloadLog?.close();
  }
}
