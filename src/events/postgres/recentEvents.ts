import type { RecordedEvent } from '../eventStore';

/**
 * The newest pages of the global log this process has read, for the other subscriptions of the
 * process that follow the same log (the read models and the scheduler each have one): each
 * event is read and parsed once, not once per subscription. What it holds is always one
 * complete, contiguous range of the log, (from, to]: a page read below the snapshot horizon is
 * everything there is between its bounds, and nothing can appear inside it later. So a slice of
 * it is exactly what a fresh read would return first, perhaps shorter.
 */
export function getRecentEvents(maxEvents = 2000) {
  let from: string | undefined; // exclusive; undefined with events = the log's start
  let events: RecordedEvent[] = [];
  let empty = true;

  /** Index of the first held event after `after`. */
  const firstAfter = (after: string) => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (events[mid]!.position <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const covers = (after: string | undefined) =>
    !empty && (from === undefined || (after !== undefined && after >= from));

  return {
    /** Held events after `after` (up to `limit`), or undefined when `after` is outside the range or at its end. */
    slice(after: string | undefined, limit: number): RecordedEvent[] | undefined {
      if (!covers(after)) return undefined;
      const start = after === undefined ? 0 : firstAfter(after);
      if (start >= events.length) return undefined;
      return events.slice(start, start + limit);
    },
    /** A page read from the database: all the log's events after `after`, in order (perhaps a prefix). */
    remember(after: string | undefined, page: RecordedEvent[]) {
      if (page.length === 0) return;
      const end = events[events.length - 1]?.position;
      if (!empty && after === end)
        events = events.concat(page); // continues the range
      else if (empty || !covers(after) || (after !== undefined && end !== undefined && after > end)) {
        from = after; // a range of its own (the first read, or one far behind or ahead)
        events = page.slice();
        empty = false;
      } else return; // inside the range: nothing new
      if (events.length > maxEvents) {
        const dropped = events.length - maxEvents;
        from = events[dropped - 1]!.position;
        events = events.slice(dropped);
      }
    },
  };
}
