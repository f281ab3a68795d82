/**
 * Which version answered a request id, kept only while a model has several monitored versions
 * (canary, shadow): bounded, oldest forgotten first. The order is its own FIFO queue, not the
 * Map's: V8 leaves a hole for each entry deleted from a Map's front, and `keys().next()` walks
 * them all (see FeedbackTracker, where that cost 50–140 µs per request).
 */
export class AnsweredBy {
  private readonly byModel = new Map<
    string,
    { versions: Map<string, { version: string; seq: number }>; ids: string[]; seqs: number[]; head: number }
  >();
  private seq = 0;

  constructor(private readonly limit: number) {}

  remember(model: string, requestId: string, version: string): void {
    if (this.limit <= 0) return;
    let entry = this.byModel.get(model);
    if (!entry) this.byModel.set(model, (entry = { versions: new Map(), ids: [], seqs: [], head: 0 }));
    const seq = this.seq++;
    entry.versions.set(requestId, { version, seq });
    entry.ids.push(requestId);
    entry.seqs.push(seq);
    while (entry.ids.length - entry.head > this.limit) {
      const id = entry.ids[entry.head]!;
      // A re-remembered id has a newer seq: only its older queue slot goes.
      if (entry.versions.get(id)?.seq === entry.seqs[entry.head]) entry.versions.delete(id);
      entry.head++;
    }
    if (entry.head > 1024 && entry.head * 2 > entry.ids.length) {
      entry.ids = entry.ids.slice(entry.head);
      entry.seqs = entry.seqs.slice(entry.head);
      entry.head = 0;
    }
  }

  version(model: string, requestId: string): string | undefined {
    return this.byModel.get(model)?.versions.get(requestId)?.version;
  }
}
