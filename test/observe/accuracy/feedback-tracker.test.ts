import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from '../../../src/core/errors.js';
import { FeedbackTracker } from '../../../src/observe/accuracy/feedback-tracker.js';

const T0 = 1_700_000_000_000;
const code = (expected: { code: string }) => (error: Error & { code?: string }) => error.code === expected.code;

describe('FeedbackTracker', () => {
  it('computes classification accuracy over matched feedback, labels compared loosely', () => {
    const tracker = new FeedbackTracker({ task: 'classification' });
    tracker.recordPrediction('a', ['setosa'], T0);
    tracker.recordPrediction('b', [1, 2], T0);
    tracker.recordPrediction('c', ['virginica'], T0);
    assert.deepEqual(tracker.feedback('a', 'setosa', T0), { rows: 1, correct: 1 });
    assert.deepEqual(tracker.feedback('b', ['1.0', 3], T0), { rows: 2, correct: 1 });
    const report = tracker.report(T0);
    assert.equal(report.accuracy, 2 / 3);
    assert.equal(report.samples, 3);
    assert.equal(report.pending, 1);
    assert.equal(report.mae, null);
  });

  it('computes MAE and RMSE for regression', () => {
    const tracker = new FeedbackTracker({ task: 'regression' });
    tracker.recordPrediction('a', [10], T0);
    tracker.recordPrediction('b', [4], T0);
    tracker.feedback('a', 13, T0);
    tracker.feedback('b', '5', T0);
    const report = tracker.report(T0);
    assert.equal(report.mae, 2);
    assert.equal(report.rmse, Math.sqrt(5));
    assert.throws(
      () => (tracker.recordPrediction('c', [1], T0), tracker.feedback('c', 'tall', T0)),
      code(errors.badFeedbackValue),
    );
  });

  it('accepts feedback once, forgets the least recent predictions past maxPending, and counts misses', () => {
    const tracker = new FeedbackTracker({ task: 'classification', maxPending: 2 });
    tracker.recordPrediction('a', [0], T0);
    tracker.recordPrediction('b', [0], T0);
    tracker.recordPrediction('c', [0], T0);
    assert.throws(() => tracker.feedback('a', 0, T0), code(errors.unknownPredictionId));
    tracker.feedback('b', 0, T0);
    assert.throws(() => tracker.feedback('b', 0, T0), code(errors.unknownPredictionId));
    const report = tracker.report(T0);
    assert.deepEqual([report.received, report.unmatched, report.pending], [3, 2, 1]);
  });

  it('bounds memory by predicted rows, so large batches cannot pile up', () => {
    const tracker = new FeedbackTracker({ task: 'classification', maxPending: 5 });
    tracker.recordPrediction('small', [1], T0);
    tracker.recordPrediction('batch', [1, 1, 1, 1], T0);
    tracker.recordPrediction('next', [1, 1], T0);
    assert.throws(() => tracker.feedback('small', 1, T0), code(errors.unknownPredictionId));
    tracker.recordPrediction(
      'huge',
      Array.from({ length: 6 }, () => 0),
      T0,
    );
    assert.throws(
      () =>
        tracker.feedback(
          'huge',
          Array.from({ length: 6 }, () => 0),
          T0,
        ),
      code(errors.unknownPredictionId),
    );
    assert.equal(tracker.report(T0).pending, 1, 'only `next` fits beside nothing else');
  });

  it('forgets predictions and outcomes older than the window', () => {
    const tracker = new FeedbackTracker({ task: 'classification', windowSeconds: 60 });
    tracker.recordPrediction('old', [1], T0);
    tracker.recordPrediction('new', [1], T0 + 50_000);
    assert.throws(() => tracker.feedback('old', 1, T0 + 61_000), code(errors.unknownPredictionId));
    tracker.feedback('new', 0, T0 + 61_000);
    assert.equal(tracker.report(T0 + 61_000).accuracy, 0);
    assert.equal(tracker.report(T0 + 200_000).accuracy, null);
  });

  it('keeps the least-recent-first order through many evictions, feedback and re-recorded ids', () => {
    const tracker = new FeedbackTracker({ task: 'classification', maxPending: 3 });
    for (let i = 0; i < 5000; i++) {
      tracker.recordPrediction(`r${i}`, [0], T0);
      if (i % 7 === 0) tracker.feedback(`r${i}`, 0, T0);
    }
    tracker.recordPrediction('r4997', [0], T0); // recorded again: now the youngest
    tracker.recordPrediction('new', [0], T0);
    assert.throws(
      () => tracker.feedback('r4996', 0, T0),
      code(errors.unknownPredictionId),
      'r4996 was the oldest left (r4998 was answered)',
    );
    for (const id of ['r4999', 'r4997', 'new']) assert.deepEqual(tracker.feedback(id, 0, T0), { rows: 1, correct: 1 });
    assert.equal(tracker.report(T0).pending, 0);
  });

  it('checks that feedback has one value per predicted row', () => {
    const tracker = new FeedbackTracker({ task: 'classification' });
    tracker.recordPrediction('a', [1, 2], T0);
    assert.throws(() => tracker.feedback('a', 1, T0), code(errors.badFeedbackValue));
    assert.throws(() => tracker.feedback('a', [null, 1], T0), code(errors.badFeedbackValue));
  });
});
