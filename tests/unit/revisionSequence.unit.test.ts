import { continueWith, newSequence, offer, release, startingRevision, type Step } from '../../src/realtime';

const step = (revision: number): Step => ({ revision, frame: `r${revision}` });
const revisions = (steps: Step[]) => steps.map((s) => s.revision);

/** A subscription that showed revision 3 and is live. */
const live = () => {
  const seq = newSequence();
  seq.lastRevision = 3;
  release(seq);
  return seq;
};

describe('revision sequence of one subscription', () => {
  it('starts after the view, or after what a resuming client already has when that is further', () => {
    expect(startingRevision(7, undefined)).toBe(7);
    expect(startingRevision(7, 3)).toBe(7); // events 4..7 come from the event store
    // The instance's read model is behind the client (it reconnected after a crash): 4..5 are
    // the client's already, and a live 4 or 5 is a duplicate.
    const seq = newSequence();
    seq.lastRevision = startingRevision(3, 5);
    offer(seq, step(4));
    offer(seq, step(5));
    offer(seq, step(6));
    expect(release(seq)).toEqual({ send: [step(6)], gap: false });
  });

  it('buffers what arrives before the first view, then releases what follows it in order', () => {
    const seq = newSequence();
    offer(seq, step(5));
    offer(seq, step(4));
    offer(seq, step(3));
    seq.lastRevision = 3; // the view showed revision 3
    expect(release(seq)).toEqual({ send: [step(4), step(5)], gap: false });
    expect(seq.ready).toBe(true);
  });

  it('sends the next revision at once and drops a duplicate or an older one', () => {
    const seq = live();
    expect(revisions(offer(seq, step(4)).send)).toEqual([4]);
    expect(offer(seq, step(4))).toEqual({ send: [], gap: false });
    expect(offer(seq, step(2))).toEqual({ send: [], gap: false });
    expect(seq.lastRevision).toBe(4);
  });

  it('holds a step past a gap and asks for the event store', () => {
    const seq = live();
    expect(offer(seq, step(6))).toEqual({ send: [], gap: true });
    expect(seq.ready).toBe(false);
    // The event store fills 4 and 5; 6 waits in the buffer and goes out after them.
    expect(revisions(continueWith(seq, [step(4), step(5)]))).toEqual([4, 5]);
    expect(release(seq)).toEqual({ send: [step(6)], gap: false });
  });

  it('keeps a gap the event store could not fill yet, and what is behind it', () => {
    const seq = live();
    offer(seq, step(7));
    expect(continueWith(seq, [step(4)])).toEqual([step(4)]);
    expect(release(seq)).toEqual({ send: [], gap: true });
    expect(revisions(seq.buffer)).toEqual([7]);
    expect(seq.ready).toBe(false);
  });

  it('takes only the history that continues the sequence', () => {
    const seq = live();
    expect(revisions(continueWith(seq, [step(2), step(3), step(4), step(6)]))).toEqual([4]);
    expect(seq.lastRevision).toBe(4);
  });
});
