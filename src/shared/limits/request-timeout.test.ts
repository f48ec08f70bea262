import type { NextFunction, Request, Response } from 'express';
import { InFlight } from './request-timeout';

const call = (handler: ReturnType<InFlight['track']>) => handler({} as Request, {} as Response, (() => undefined) as NextFunction);

describe('InFlight', () => {
  it('waits for handlers still running, including ones that fail', async () => {
    const inFlight = new InFlight();
    let finish!: () => void;
    const slow = call(inFlight.track(() => new Promise<void>((resolve) => (finish = resolve))));
    const failing = call(inFlight.track(() => Promise.reject(new Error('late write'))));
    await expect(failing).rejects.toThrow('late write');

    let settled = false;
    const waiting = inFlight.settled(10_000).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    finish();
    await slow;
    await waiting;
    expect(settled).toBe(true);
  });

  it('gives up after the deadline', async () => {
    const inFlight = new InFlight();
    void call(inFlight.track(() => new Promise<void>(() => undefined)));
    const started = Date.now();
    await inFlight.settled(50);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
