import { SingleBar, Presets } from 'cli-progress';

/** What long commands report progress to; a no-op when no bar is shown. */
export interface Progress {
  /**
   * Sets how far along the work is (absolute, in the unit of `total`); `counted` is what the rate
   * counts when that differs (e.g. bytes done, lines counted).
   */
  update(done: number, counted?: number): void;
  /** Changes the total once it is known better. */
  setTotal(total: number): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, setTotal: () => undefined, stop: () => undefined };

export interface ProgressOptions {
  total: number;
  /** What is counted, e.g. "projects" or "rows". */
  unit: string;
  /** What the rate counts when not `unit` (then `update` is given `counted`), e.g. "lines". */
  rateUnit?: string;
  /** --json or --quiet: never a bar. */
  quiet?: boolean;
  /** The stream the bar draws on; stderr, so that stdout can carry data. */
  stream?: NodeJS.WriteStream;
}

/**
 * A progress bar with rate and ETA (cli-progress) on stderr, shown only when both stdout and stderr are
 * terminals and neither --json nor --quiet is given: a pipe, a file or CI gets no control characters.
 * The import command uses the same helper.
 */
export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY || !process.stdout.isTTY) return SILENT;
  const bar = new SingleBar(
    {
      stream,
      format: `{bar} {percentage}% | {value}/{total} ${options.unit} | {rate} ${options.rateUnit ?? options.unit}/s | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(options.total, 0, { rate: '0' });
  return {
    update: (done, counted = done) => bar.update(done, { rate: Math.round(counted / Math.max((Date.now() - started) / 1000, 0.001)).toString() }),
    setTotal: (total) => bar.setTotal(total),
    stop: () => bar.stop(),
  };
}
