import { readAhead } from './import.writer';

async function* numbers(count: number, log: string[], failAt?: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (i === failAt) throw new Error(`broken at ${i}`);
    log.push(`read ${i}`);
    yield i;
  }
}

describe('readAhead', () => {
  it('yields every item in order, reading ahead while the consumer waits', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const value of readAhead(numbers(10, log), 4)) {
      // While the consumer is busy (many turns of the event loop, not a timer, which a loaded machine
      // can fire before the reads' turns), the source keeps reading.
      for (let turn = 0; turn < 200 && !log.includes(`read ${Math.min(value + 3, 9)}`); turn++) await new Promise((resolve) => setImmediate(resolve));
      log.push(`used ${value}`);
      seen.push(value);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(log.indexOf('read 3')).toBeLessThan(log.indexOf('used 0'));
  });

  it('throws the source error where its item is due, after the items before it', async () => {
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const value of readAhead(numbers(10, [], 3), 5)) seen.push(value);
      })(),
    ).rejects.toThrow('broken at 3');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const value of readAhead(source(), 3)) if (value === 2) break;
    expect(closed).toBe(true);
  });
});
