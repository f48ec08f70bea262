export interface LeakyBucketOptions {
  /** How many cost points a bucket holds: the most a client can spend in a burst. */
  capacity: number;
  /** Points that drain out of every bucket per second: the sustained rate. */
  leakPerSecond: number;
  /** Buckets kept at most; past that the least recently used is dropped. */
  maxBuckets: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** A bucket's state as clients see it (`extensions.cost`). */
export interface BucketStatus {
  /** Points that can still be spent right now. */
  remaining: number;
  /** When the bucket will be empty again (all points available), in epoch milliseconds. */
  resetAt: number;
}

export type TakeResult = ({ ok: true } | { ok: false; retryAfterSeconds: number }) & BucketStatus;

interface Bucket {
  level: number;
  at: number;
}

/**
 * What a client sees of a bucket holding `level` points at `now`: shared by every store, so the
 * in-memory, PostgreSQL and Redis buckets report alike.
 */
export function bucketStatus(level: number, now: number, capacity: number, leakPerSecond: number): BucketStatus {
  return { remaining: Math.floor(capacity - level), resetAt: now + Math.ceil(level / (leakPerSecond / 1000)) };
}

/** Whole seconds until `cost` fits in a bucket holding `level` (at least 1: a Retry-After of 0 invites a spin). */
export function retryAfterSeconds(level: number, cost: number, capacity: number, leakPerSecond: number): number {
  return Math.max(1, Math.ceil((level + cost - capacity) / leakPerSecond));
}

/**
 * Per-client leaky buckets with variable cost, in memory (RATE_LIMIT_STORE=memory: one instance's own). A request adds its cost to the bucket, which
 * drains continuously; a request that would overflow it is refused, so a client can burst up to
 * `capacity` and then sustain `leakPerSecond`. A drained bucket holds no information, so idle buckets
 * are swept out, and the map never grows past `maxBuckets`.
 */
export class LeakyBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly leakPerMs: number;
  private lastSweep: number;

  constructor(private readonly options: LeakyBucketOptions) {
    if (options.capacity <= 0 || options.leakPerSecond <= 0 || options.maxBuckets < 1) {
      throw new RangeError('capacity, leakPerSecond and maxBuckets must be positive');
    }
    this.now = options.now ?? Date.now;
    this.leakPerMs = options.leakPerSecond / 1000;
    this.lastSweep = this.now();
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Adds `cost` to the client's bucket if it fits; otherwise leaves it alone and says when to retry. */
  take(key: string, cost: number): TakeResult {
    const now = this.now();
    this.sweep(now);
    const level = this.levelAt(key, now);
    if (level + cost > this.options.capacity) {
      return { ok: false, retryAfterSeconds: retryAfterSeconds(level, cost, this.options.capacity, this.options.leakPerSecond), ...this.status(level, now) };
    }
    this.store(key, level + cost, now);
    return { ok: true, ...this.status(level + cost, now) };
  }

  /**
   * Corrects an earlier `take` once the real cost is known: a negative delta gives points back, a
   * positive one charges more (never past full: the request has already run).
   */
  adjust(key: string, delta: number): BucketStatus {
    const now = this.now();
    const level = Math.min(this.options.capacity, Math.max(0, this.levelAt(key, now) + delta));
    this.store(key, level, now);
    return this.status(level, now);
  }

  /** The bucket's state without changing it. */
  peek(key: string): BucketStatus {
    const now = this.now();
    return this.status(this.levelAt(key, now), now);
  }

  private levelAt(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    return Math.max(0, bucket.level - (now - bucket.at) * this.leakPerMs);
  }

  private store(key: string, level: number, now: number): void {
    // Re-inserting keeps the map in least-recently-used order, which eviction relies on.
    this.buckets.delete(key);
    if (level <= 0) return;
    this.buckets.set(key, { level, at: now });
    if (this.buckets.size > this.options.maxBuckets) {
      this.buckets.delete(this.buckets.keys().next().value!);
    }
  }

  private status(level: number, now: number): BucketStatus {
    return bucketStatus(level, now, this.options.capacity, this.options.leakPerSecond);
  }

  /** Drops drained buckets, at most once per time a full bucket takes to drain (and at least once a minute). */
  private sweep(now: number): void {
    const interval = Math.min(60_000, this.options.capacity / this.leakPerMs);
    if (now - this.lastSweep < interval) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.level - (now - bucket.at) * this.leakPerMs <= 0) this.buckets.delete(key);
    }
  }
}
