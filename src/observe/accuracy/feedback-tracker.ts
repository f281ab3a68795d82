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
import { PendingPredictions } from './pending-predictions.js';

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

export class FeedbackTracker {
  readonly task: Task;
  private readonly maxAgeMs: number;
  private readonly pending: PendingPredictions;
  private readonly outcomes: SlidingWindow;
  private received = 0;
  private unmatched = 0;

  constructor(options: FeedbackOptions) {
    const feedback = defaults.monitoring.feedback;
    this.task = options.task;
    this.maxAgeMs = (options.windowSeconds ?? feedback.windowSeconds) * 1000;
    this.pending = new PendingPredictions(options.maxPending ?? feedback.maxPending, this.maxAgeMs);
    this.outcomes = new SlidingWindow(['number'], {
      maxRows: options.windowRows ?? feedback.windowRows,
      maxAgeMs: this.maxAgeMs,
    });
  }

  /**
   * Remember what was predicted for a request (one value per row of the request), forgetting what
   * was remembered under its id before. A batch's array is kept as given, not copied: the caller
   * must not change it afterwards.
   */
  recordPrediction(requestId: string, predictions: ReadonlyArray<unknown>, now: number = Date.now()): void {
    this.pending.record(requestId, predictions, now);
  }

  /**
   * Match the true value(s) for a request id with its remembered prediction. Throws
   * unknownPredictionId (404) when there is none, badFeedbackValue (400) for unusable values.
   */
  feedback(requestId: string, truth: unknown, now: number = Date.now()): FeedbackOutcome {
    this.received++;
    const entry = this.pending.lookup(requestId);
    if (!entry || entry.time < now - this.maxAgeMs) {
      this.unmatched++;
      if (entry) this.pending.forget(entry.slot);
      throw errors.unknownPredictionId(requestId);
    }
    const truths = Array.isArray(truth) ? truth : [truth];
    if (truths.length !== entry.predictions.length) {
      throw errors.badFeedbackValue(`${entry.predictions.length} value(s), one per predicted row`, `${truths.length}`);
    }
    const outcome = this.recordOutcome(entry.predictions, truths, now);
    this.pending.forget(entry.slot);
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
