import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { CostReport } from './cost-plugin';
import { LimitCode } from './limits.errors';

/** Set on `res.locals` once the timeout has answered, so later writes are dropped rather than failing. */
export function timedOut(res: Response): boolean {
  return res.locals.timedOut === true;
}

/**
 * Answers 503 with a GraphQL-shaped TIMEOUT error when a request is not done within `ms` (0: never).
 * graphql-js cannot abandon an execution, so the work runs on in the background (bounded by the
 * connection pool and the statement timeout) and its late response is discarded; its transaction is
 * rolled back, so a 503 always means that nothing was written.
 */
export function requestTimeout(ms: number, costOf: (req: Request, res: Response) => CostReport): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (ms <= 0) return next();
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      // Once its commit has started, the request's own answer is moments away and must be the one sent.
      const transaction = res.locals.transaction as { abandon(): boolean } | undefined;
      if (transaction && !transaction.abandon()) return;
      res.locals.timedOut = true;
      req.log.warn({ timeoutMs: ms }, 'request timed out');
      res.status(503).json({
        errors: [{ message: `The request did not finish within ${ms} ms. Ask for less, or try again later.`, extensions: { code: LimitCode.TIMEOUT } }],
        extensions: { cost: costOf(req, res) },
      });
    }, ms);
    // 'close' follows 'finish' too, so this covers both answered and abandoned requests.
    res.on('close', () => clearTimeout(timer));
    next();
  };
}

/** Skips the rest of the chain for a request the timeout has already answered. */
export const unlessTimedOut: RequestHandler = (_req, res, next) => {
  if (!timedOut(res)) next();
};

/**
 * Keeps track of GraphQL handlers still running, including those whose request the timeout has
 * already answered, so that shutdown can let them finish before the database goes away.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track(handler: RequestHandler): RequestHandler {
    return (req, res, next) => {
      const work = Promise.resolve(handler(req, res, next));
      const forget = () => void this.running.delete(work);
      this.running.add(work);
      work.then(forget, forget);
      return work;
    };
  }

  /** Resolves when every tracked handler has finished, or after `ms`, whichever is first. */
  async settled(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))));
    try {
      await Promise.race([Promise.allSettled([...this.running]), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
