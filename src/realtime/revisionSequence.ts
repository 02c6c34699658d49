/**
 * One message of an auction's room: its revision and its frame, encoded once for every
 * subscriber. A private event's step has no frame: the sequence moves past it, nothing is sent.
 */
export interface Step {
  revision: number;
  frame?: string | Buffer;
}

/**
 * Pure: the order of one subscription's messages. A subscriber gets each revision once, in
 * order, with no gap: a duplicate is dropped, a step past a gap waits in the buffer until the
 * gap is filled from the event store. Not `ready` while its first view or a resync is under way.
 */
export interface RevisionSequence {
  lastRevision: number;
  ready: boolean;
  buffer: Step[];
}

export const newSequence = (): RevisionSequence => ({ lastRevision: -1, ready: false, buffer: [] });

/**
 * Where a new subscription's sequence starts: after the view it was sent, or after the client's
 * `afterRevision` when that is further. A view can be older than what a resuming client already
 * has (the read model of the instance it reconnected to is behind): the events up to
 * `afterRevision` are the client's already, and are never sent again.
 */
export const startingRevision = (viewRevision: number, afterRevision: number | undefined) =>
  afterRevision === undefined ? viewRevision : Math.max(viewRevision, afterRevision);

/** What to send now, and whether a gap must be filled from the event store first. */
export interface Release {
  send: Step[];
  gap: boolean;
}

/** A live step from the change feed. */
export function offer(seq: RevisionSequence, step: Step): Release {
  if (!seq.ready) {
    seq.buffer.push(step);
    return { send: [], gap: false };
  }
  if (step.revision <= seq.lastRevision) return { send: [], gap: false };
  if (step.revision !== seq.lastRevision + 1) {
    seq.buffer.push(step);
    seq.ready = false;
    return { send: [], gap: true };
  }
  seq.lastRevision = step.revision;
  return { send: [step], gap: false };
}

/** Steps read from the event store (in revision order): those that continue the sequence. */
export function continueWith(seq: RevisionSequence, steps: Step[]): Step[] {
  const send: Step[] = [];
  for (const step of steps) {
    if (step.revision !== seq.lastRevision + 1) continue;
    seq.lastRevision = step.revision;
    send.push(step);
  }
  return send;
}

/** Releases the buffer in order; a gap left in it keeps the rest buffered and the sequence not ready. */
export function release(seq: RevisionSequence): Release {
  const buffered = seq.buffer.sort((a, b) => a.revision - b.revision);
  seq.buffer = [];
  seq.ready = true;
  const send: Step[] = [];
  for (const step of buffered) {
    if (step.revision <= seq.lastRevision) continue;
    if (step.revision !== seq.lastRevision + 1) {
      seq.buffer = buffered.filter((s) => s.revision > seq.lastRevision);
      seq.ready = false;
      return { send, gap: true };
    }
    seq.lastRevision = step.revision;
    send.push(step);
  }
  return { send, gap: false };
}
