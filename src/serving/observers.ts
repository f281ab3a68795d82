import type { InferenceEvent, InferenceObserver, ShadowEvent, ShadowObserver } from '../core/inference.js';

/**
 * Who is told of inferences and shadow comparisons (metrics, drift monitoring, the payload log).
 * An observer's fault must never fail or slow an inference: a throw is swallowed here.
 */
export class Observers {
  readonly #inference: InferenceObserver[] = [];
  readonly #shadow: ShadowObserver[] = [];

  onInference(observer: InferenceObserver): void {
    this.#inference.push(observer);
  }

  onShadow(observer: ShadowObserver): void {
    this.#shadow.push(observer);
  }

  readonly inference = (event: InferenceEvent): void => notify(this.#inference, event);

  readonly shadow = (event: ShadowEvent): void => notify(this.#shadow, event);
}

function notify<Event>(observers: Array<(event: Event) => void>, event: Event): void {
  for (const observer of observers) {
    try {
      observer(event);
    } catch {
      // statistics never fail a request
    }
  }
}
