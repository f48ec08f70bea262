/** The statement that reads the committed data's version (see `data-version.entity.ts`). */
export const READ_DATA_VERSION = 'select sum(n)::text as version from data_version';

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
