import { getCommandLanes } from '../../src/commands/auction/commandLanes';

describe('command lanes', () => {
  it('drains one lane in arrival order, in batches, one batch at a time', async () => {
    const batches: number[][] = [];
    let running = 0;
    const lanes = getCommandLanes<number>({
      maxBatch: 2,
      maxPending: 100,
      onFull: () => undefined,
      async drain(_key, batch) {
        expect(++running).toBe(1);
        batches.push(batch);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
    });
    for (const n of [1, 2, 3, 4, 5]) lanes.push('a', n);
    await lanes.idle();
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(batches.every((b) => b.length <= 2)).toBe(true);
  });

  it('runs lanes of different keys side by side, and idle() waits for all of them', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    const lanes = getCommandLanes<string>({
      maxBatch: 10,
      maxPending: 10,
      onFull: () => undefined,
      async drain(key) {
        started.push(key);
        await new Promise((r) => setTimeout(r, key === 'slow' ? 40 : 5));
        finished.push(key);
      },
    });
    lanes.push('slow', 'x');
    lanes.push('fast', 'y');
    expect(started).toEqual(['slow', 'fast']); // both started before either finished
    await lanes.idle();
    expect(finished).toEqual(['fast', 'slow']);
    await expect(lanes.idle()).resolves.toBeUndefined(); // nothing queued: at once
  });

  it('refuses an item past the lane limit', async () => {
    const refused: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const lanes = getCommandLanes<number>({
      maxBatch: 1,
      maxPending: 2,
      onFull: (n) => refused.push(n),
      drain: () => gate,
    });
    for (const n of [1, 2, 3, 4]) lanes.push('a', n); // 1 is being drained, 2 and 3 wait
    expect(refused).toEqual([4]);
    release();
    await lanes.idle();
  });
});
