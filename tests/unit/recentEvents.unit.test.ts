import type { RecordedEvent } from '../../src/events';
import { getRecentEvents } from '../../src/events/postgres/recentEvents';

const P = (n: number) => `${String(n).padStart(20, '0')}-00000000000000000000`;
const event = (n: number) => ({ position: P(n) }) as RecordedEvent;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => event(from + i));
const positions = (events: RecordedEvent[] | undefined) =>
  events?.map((e) => Number(e.position.slice(0, 20)));

describe('the recent pages of the log, shared by the subscriptions of a process', () => {
  it('serves a slice of a page it was given, and nothing it was not', () => {
    const recent = getRecentEvents();
    expect(recent.slice(P(0), 10)).toBeUndefined();
    recent.remember(P(10), range(11, 20)); // everything in (10, 20]
    expect(positions(recent.slice(P(10), 5))).toEqual([11, 12, 13, 14, 15]);
    expect(positions(recent.slice(P(15), 100))).toEqual([16, 17, 18, 19, 20]);
    expect(recent.slice(P(20), 10)).toBeUndefined(); // at its end: the database may have more
    expect(recent.slice(P(9), 10)).toBeUndefined(); // before it: unknown
    expect(recent.slice(undefined, 10)).toBeUndefined();
  });

  it('grows with the page read right after its end, and keeps only the newest events', () => {
    const recent = getRecentEvents(15);
    recent.remember(P(10), range(11, 20));
    recent.remember(P(20), range(21, 30));
    expect(positions(recent.slice(P(15), 100))).toEqual(
      range(16, 30).map((e) => Number(e.position.slice(0, 20))),
    );
    expect(recent.slice(P(14), 100)).toBeUndefined(); // dropped: (10, 15] is gone
  });

  it('takes a range of its own from a read elsewhere, and ignores a page inside its range', () => {
    const recent = getRecentEvents();
    recent.remember(P(10), range(11, 20));
    recent.remember(P(12), range(13, 25)); // inside: a fresh read, but nothing to add to the range safely
    expect(recent.slice(P(20), 10)).toBeUndefined();
    recent.remember(undefined, range(1, 5)); // a read from the log's start
    expect(positions(recent.slice(undefined, 3))).toEqual([1, 2, 3]);
    expect(positions(recent.slice(P(3), 10))).toEqual([4, 5]);
  });

  it('moves to a page read past its end, so live readers are served again after a far-behind one', () => {
    const recent = getRecentEvents();
    recent.remember(undefined, range(1, 5));
    recent.remember(P(100), range(101, 110));
    expect(positions(recent.slice(P(105), 2))).toEqual([106, 107]);
    expect(recent.slice(P(3), 10)).toBeUndefined();
  });
});
