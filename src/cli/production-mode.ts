/**
 * `silta start` runs in production mode unless NODE_ENV says otherwise: graphql-js skips its
 * development-time checks (worth 15–23 % of throughput) only when NODE_ENV is `production` as it is
 * loaded, so this module is imported first, before anything that loads graphql. It is the one place
 * besides config.ts that touches the environment, because it must run before config.ts is loaded.
 * Other commands and tests keep the NODE_ENV they were given. It also sets the heap growing factor of
 * the server and of `silta import`, which must be set as early.
 */
import { setFlagsFromString } from 'node:v8';

/** How far the heap may grow past its live size before V8 collects it again (see below). */
const HEAP_GROWING_PERCENT = 50;

const command = process.argv[2];
if (command === 'start' && !process.env.NODE_ENV) process.env.NODE_ENV = 'production';
if (command === 'start' || command === 'import') {
  // Both keep a small, steady live heap (the server about 45 MB, the import about 40) and make garbage
  // fast (requests; each batch's rows and SQL parameters), and V8 let the heap grow to four times the
  // live size before a full collection. Growing by half at most keeps the peak RSS of a cached page at
  // c=50 near 180 MB instead of 280-295, at the same throughput, and the import's heap near 55-78 MB
  // instead of 144-157. Set here, first thing: the server's, set later in its command's action, was
  // ignored by V8 (the import's took effect there too, node --trace-gc showed).
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
