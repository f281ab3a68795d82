/**
 * Live accuracy from delayed ground truth: predictions are remembered by request id (a bounded
 * LRU counted in rows — the oldest recorded are forgotten first, none older than the window), feedback
 * (request id + true value) is matched against them once, and the outcomes go into a sliding
 * window from which accuracy (classification) or MAE/RMSE (regression) is computed.
 */
import { defaults } from '../../core/defaults.js';
import { errors } from '../../core/errors.js';
import { isMissing, isNumeric, toNumber } from '../drift/feature-values.js';
import { SlidingWindow } from '../drift/window.js';

export type Task = 'classification' | 'regression';

export interface FeedbackOptions {
  task: Task;
  /** Predicted rows remembered (a batch request counts once per row), so memory stays bounded. */
  maxPending?: number;
  windowRows?: number;
  windowSeconds?: number;
}

export interface FeedbackOutcome {
  /** Rows of the prediction matched (a request may predict several rows). */
  rows: number;
  /** Classification: rows predicted right. */
  correct?: number;
  /** Regression: prediction − truth per row. */
  errors?: number[];
}

export interface FeedbackReport {
  task: Task;
  /** Outcomes in the window. */
  samples: number;
  accuracy: number | null;
  mae: number | null;
  rmse: number | null;
  /** Requests whose predictions still wait for feedback. */
  pending: number;
  /** Feedback received in total, and how much of it matched no remembered prediction. */
  received: number;
  unmatched: number;
}

interface Pending {
  id: string;
  time: number;
  predictions: ReadonlyArray<unknown>;
  /** Still in `pending`: false once matched, evicted or recorded again under its id. */
  live: boolean;
}

/** What a forgotten entry holds while it waits in `order` to reach the head. */
const forgotten: ReadonlyArray<unknown> = [];

export class FeedbackTracker {
  readonly task: Task;
  private readonly maxPending: number;
  private readonly maxAgeMs: number;
  private readonly pending = new Map<string, Pending>();
  private pendingRows = 0;
  /**
   * Entries in the order they were recorded, oldest first from `head`, for eviction. Not the Map's
   * own order: V8 leaves a hole for every entry deleted from a Map's front and iteration from the
   * start walks them all until the table is rehashed — measured at 50–140 µs per request with
   * 100 000 pending and the oldest evicted on every request. Entries forgotten otherwise (matched
   * feedback, re-recorded ids) stay in the queue, marked not live, until they reach the head; the
   * mark spares a lookup in the Map per evicted entry.
   */
  private order: Pending[] = [];
  private head = 0;
  private readonly outcomes: SlidingWindow;
  private received = 0;
  private unmatched = 0;

  constructor(options: FeedbackOptions) {
    const feedback = defaults.monitoring.feedback;
    this.task = options.task;
    this.maxPending = options.maxPending ?? feedback.maxPending;
    this.maxAgeMs = (options.windowSeconds ?? feedback.windowSeconds) * 1000;
    this.outcomes = new SlidingWindow(['number'], {
      maxRows: options.windowRows ?? feedback.windowRows,
      maxAgeMs: this.maxAgeMs,
    });
  }

  /**
   * Remember what was predicted for a request (one value per row of the request). The array is
   * kept as given, not copied (it is held until feedback or eviction, so a copy was promoted on
   * every request): the caller must not change it afterwards.
   */
  recordPrediction(requestId: string, predictions: ReadonlyArray<unknown>, now: number = Date.now()): void {
    this.forget(requestId); // re-insert at the young end of the LRU order
    if (predictions.length === 0 || predictions.length > this.maxPending) return;
    const entry: Pending = { id: requestId, time: now, predictions, live: true };
    this.pending.set(requestId, entry);
    this.order.push(entry);
    this.pendingRows += predictions.length;
    while (this.head < this.order.length) {
      const oldest = this.order[this.head]!;
      if (oldest.live) {
        if (this.pendingRows <= this.maxPending && oldest.time >= now - this.maxAgeMs) break;
        this.drop(oldest);
      }
      this.head++;
    }
    this.compactOrder();
  }

  /** Drop consumed and stale queue slots once they outnumber the live ones (amortised O(1)). */
  private compactOrder(): void {
    if (this.order.length < 1024 || this.order.length < 2 * this.pending.size) return;
    const live: Pending[] = [];
    for (let i = this.head; i < this.order.length; i++) if (this.order[i]!.live) live.push(this.order[i]!);
    this.order = live;
    this.head = 0;
  }

  private forget(requestId: string): void {
    const entry = this.pending.get(requestId);
    if (entry) this.drop(entry);
  }

  private drop(entry: Pending): void {
    entry.live = false;
    this.pendingRows -= entry.predictions.length;
    entry.predictions = forgotten;
    this.pending.delete(entry.id);
  }

  /**
   * Match the true value(s) for a request id with its remembered prediction. Throws
   * unknownPredictionId (404) when there is none, badFeedbackValue (400) for unusable values.
   */
  feedback(requestId: string, truth: unknown, now: number = Date.now()): FeedbackOutcome {
    this.received++;
    const entry = this.pending.get(requestId);
    if (!entry || entry.time < now - this.maxAgeMs) {
      this.unmatched++;
      if (entry) this.drop(entry);
      throw errors.unknownPredictionId(requestId);
    }
    const truths = Array.isArray(truth) ? truth : [truth];
    if (truths.length !== entry.predictions.length) {
      throw errors.badFeedbackValue(`${entry.predictions.length} value(s), one per predicted row`, `${truths.length}`);
    }
    const outcome = this.recordOutcome(entry.predictions, truths, now);
    this.drop(entry);
    return outcome;
  }

  /** Record outcomes directly, when the caller has both prediction and truth (feedback by inputs). */
  recordOutcome(
    predictions: ReadonlyArray<unknown>,
    truths: ReadonlyArray<unknown>,
    now: number = Date.now(),
  ): FeedbackOutcome {
    for (const truth of truths) validateTruth(this.task, truth);
    this.outcomes.evict(now);
    if (this.task === 'classification') {
      let correct = 0;
      predictions.forEach((prediction, i) => {
        const right = sameClass(prediction, truths[i]) ? 1 : 0;
        correct += right;
        this.outcomes.setNumber(0, this.outcomes.append(now), right);
      });
      return { rows: predictions.length, correct };
    }
    const differences = predictions.map((prediction, i) => toNumber(prediction) - toNumber(truths[i]));
    for (const difference of differences) this.outcomes.setNumber(0, this.outcomes.append(now), difference);
    return { rows: predictions.length, errors: differences };
  }

  report(now: number = Date.now()): FeedbackReport {
    this.outcomes.evict(now);
    const values = this.outcomes.numbers(0);
    const n = values.length;
    let sum = 0;
    let absolute = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      sum += values[i]!;
      absolute += Math.abs(values[i]!);
      squares += values[i]! ** 2;
    }
    const classification = this.task === 'classification';
    return {
      task: this.task,
      samples: n,
      accuracy: classification && n > 0 ? sum / n : null,
      mae: !classification && n > 0 ? absolute / n : null,
      rmse: !classification && n > 0 ? Math.sqrt(squares / n) : null,
      pending: this.pending.size,
      received: this.received,
      unmatched: this.unmatched,
    };
  }
}

function validateTruth(task: Task, truth: unknown): void {
  const shown = truth === undefined ? 'nothing' : (JSON.stringify(truth) ?? String(truth));
  if (task === 'regression') {
    if (typeof truth === 'boolean' || !Number.isFinite(toNumber(truth)))
      throw errors.badFeedbackValue('a finite number', shown);
  } else if (isMissing(truth) || !['string', 'number', 'boolean'].includes(typeof truth)) {
    throw errors.badFeedbackValue('a class label (string or number)', shown);
  }
}

/** Labels compare as numbers when both read as numbers (1 = "1.0"), else as strings. */
function sameClass(prediction: unknown, truth: unknown): boolean {
  if (isNumeric(prediction) && isNumeric(truth)) return toNumber(prediction) === toNumber(truth);
  return String(prediction) === String(truth);
}
