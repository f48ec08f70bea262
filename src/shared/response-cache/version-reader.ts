import { Pool } from 'pg';
import type { Logger } from 'pino';

/** The statement that reads the committed data's version (see `data-version.entity.ts`). */
export const READ_DATA_VERSION = 'select sum(n)::text as version from data_version';

/**
 * Where a cache hit reads the data version: a connection of its own, a named (prepared) statement,
 * no ORM or query builder on the way. Read through the ORM's pool, the version cost a hit about a
 * quarter of its CPU and a third of its throughput at concurrency 10 (docs/benchmarks.md). One
 * connection is enough: the reader below has at most one statement in flight.
 */
export class DataVersionConnection {
  private readonly pool: Pool;

  constructor(url: string, logger: Logger) {
    this.pool = new Pool({ connectionString: url, max: 1, idleTimeoutMillis: 60_000, application_name: 'silta-cache-version' });
    // A connection lost while idle (PostgreSQL restarted): the next read opens another.
    this.pool.on('error', (error) => logger.warn({ err: error }, 'response cache: version connection failed'));
  }

  async read(): Promise<bigint> {
    const { rows } = await this.pool.query<[string]>({ name: 'silta_data_version', text: READ_DATA_VERSION, rowMode: 'array' });
    return BigInt(rows[0][0]);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * Reads the data version for many concurrent requests with at most one statement in flight. A
 * request may share a read that started after it arrived, never one that started before: such a
 * read may have taken its snapshot before a change the caller has already seen committed. So a
 * request that finds a read running waits for the next one, which every request arriving meanwhile
 * shares.
 */
export class VersionReader {
  private running: Promise<bigint> | undefined;
  private queued: Promise<bigint> | undefined;
  private latestSeen = -1n;
  /** Statements sent so far (tests check that a hit costs one read at most). */
  reads = 0;

  constructor(
    private readonly query: () => Promise<bigint>,
    /** Called with each version higher than any seen before. */
    private readonly onChange: (version: bigint) => void = () => {},
  ) {}

  /** The version as committed at some moment after this call. */
  read(): Promise<bigint> {
    // Not started yet: it starts after this call, so it is fresh enough.
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const settled = this.running.then(
      () => undefined,
      () => undefined,
    );
    const queued = settled.then(() => {
      this.queued = undefined;
      return this.start();
    });
    this.queued = queued;
    return queued;
  }

  /** The highest version read so far (-1 before the first read). */
  get latest(): bigint {
    return this.latestSeen;
  }

  /** Reports a version read elsewhere (in a request's transaction). */
  observe(version: bigint): void {
    if (version <= this.latestSeen) return;
    this.latestSeen = version;
    this.onChange(version);
  }

  private start(): Promise<bigint> {
    this.reads += 1;
    const read = this.query().then((version) => {
      this.observe(version);
      return version;
    });
    this.running = read;
    const done = () => {
      if (this.running === read) this.running = undefined;
    };
    read.then(done, done);
    return read;
  }
}
