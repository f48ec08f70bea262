import { writeFileSync } from 'node:fs';

/**
 * Preloaded (`node --require`) into a command the overlap benchmark measures: on exit, writes the
 * process's peak resident set size in kilobytes to the file named by SILTA_BENCH_PEAK_RSS_FILE.
 * The same number `/usr/bin/time -f %M` reports, without depending on GNU time being installed.
 */
const target = process.env.SILTA_BENCH_PEAK_RSS_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS));
  });
}
