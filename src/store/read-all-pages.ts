// Reading the whole global order in pages, through the port alone: the one loop every reader of all calls uses
// (resuming open calls, the call list, replay, export), so none loads a whole store into memory at once.
import type { EventStore, ReadAllOptions, RecordedEvent } from './event-store.js';

export async function* readAllPages(
  store: EventStore,
  options: Omit<ReadAllOptions, 'maxCount'> & { pageSize?: number } = {},
): AsyncGenerator<RecordedEvent[]> {
  const pageSize = options.pageSize ?? 5_000;
  let after = options.after;
  for (;;) {
    const page = await store.readAll({
      maxCount: pageSize,
      ...(options.streamPrefix ? { streamPrefix: options.streamPrefix } : {}),
      ...(after !== undefined ? { after } : {}),
    });
    if (page.length > 0) yield page;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    after = last.position;
  }
}
