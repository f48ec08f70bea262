import { bucketStatus, LeakyBuckets, type BucketStatus, type TakeResult } from './leaky-bucket';

/** The size and rate of every client's bucket (RATE_LIMIT_*), the same on every instance. */
export interface BudgetLimits {
  capacity: number;
  leakPerSecond: number;
  /** Statuses (or, in memory, buckets) one instance keeps at most. */
  maxBuckets: number;
}

/**
 * Where the per-client leaky buckets live: in this process (`memory`), or shared by every instance
 * (`postgres`, `redis`). All three have the in-memory bucket's semantics; the shared ones answer over
 * the network, hence promises.
 */
export interface BudgetStore {
  /** Adds `cost` to the client's bucket if it fits; otherwise leaves it alone and says when to retry. */
  take(key: string, cost: number): Promise<TakeResult>;
  /** Settles an earlier `take` on the real cost: negative gives points back; never below empty or past full. */
  adjust(key: string, delta: number): Promise<BucketStatus>;
  /** The bucket's state without changing it. */
  peek(key: string): Promise<BucketStatus>;
  /**
   * The latest state this instance has seen of the bucket, drained since, without asking the store:
   * for an answer that cannot wait (the request timeout). Exact in memory, an estimate when shared.
   */
  lastSeen(key: string): BucketStatus;
  close(): Promise<void>;
}

/** One instance's own buckets: no round trip, but N instances grant N budgets. */
export class MemoryBudgetStore implements BudgetStore {
  private readonly buckets: LeakyBuckets;

  constructor(limits: BudgetLimits, now?: () => number) {
    this.buckets = new LeakyBuckets({ ...limits, now });
  }

  async take(key: string, cost: number): Promise<TakeResult> {
    return this.buckets.take(key, cost);
  }

  async adjust(key: string, delta: number): Promise<BucketStatus> {
    return this.buckets.adjust(key, delta);
  }

  async peek(key: string): Promise<BucketStatus> {
    return this.buckets.peek(key);
  }

  lastSeen(key: string): BucketStatus {
    return this.buckets.peek(key);
  }

  async close(): Promise<void> {}
}

/**
 * What a shared store last answered per key (level at a time), so `lastSeen` needs no round trip.
 * Bounded like the in-memory buckets: the least recently answered key is dropped first.
 */
export class RecentStatuses {
  private readonly seen = new Map<string, { level: number; at: number }>();

  constructor(private readonly limits: BudgetLimits) {}

  /** Records the store's answer and returns it as clients see it. */
  record(key: string, level: number, at: number): BucketStatus {
    this.seen.delete(key);
    this.seen.set(key, { level, at });
    if (this.seen.size > this.limits.maxBuckets) this.seen.delete(this.seen.keys().next().value!);
    return bucketStatus(level, at, this.limits.capacity, this.limits.leakPerSecond);
  }

  status(key: string, now = Date.now()): BucketStatus {
    const last = this.seen.get(key);
    const level = last ? Math.max(0, last.level - (Math.max(now, last.at) - last.at) * (this.limits.leakPerSecond / 1000)) : 0;
    return bucketStatus(level, Math.max(now, last?.at ?? now), this.limits.capacity, this.limits.leakPerSecond);
  }
}
