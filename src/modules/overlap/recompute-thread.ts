/**
 * A full recompute in a worker thread: a minute of CPU at national scale must not stall the
 * server's requests, and the thread's heap limit makes V8 collect as it goes instead of letting
 * the process grow (the live data is about 2 KB per project; garbage is most of what it allocates).
 */
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Client } from 'pg';
import { packageRoot } from '../../shared/package-root';
import { recomputeAll, type RecomputeResult } from './overlap.engine';

interface ThreadInput {
  url: string;
}

type ThreadOutput = { result: RecomputeResult } | { error: string };

/** Heap for a data set of this many projects: room for the live profiles and findings, and a little garbage. */
export function recomputeHeapMb(projects: number): number {
  return Math.max(192, 160 + Math.ceil(projects / 400));
}

/** Runs recomputeAll on its own connection in a worker thread (the compiled JavaScript, as the server runs). */
export async function recomputeInThread(ownerUrl: string): Promise<RecomputeResult> {
  const probe = new Client({ connectionString: ownerUrl });
  probe.on('error', () => undefined); // a failure rejects the query below; no 'error' event may end the process
  await probe.connect();
  let projects: number;
  try {
    projects = Number((await probe.query<{ n: string }>('select count(*) as n from project')).rows[0].n);
  } finally {
    await probe.end();
  }
  const worker = new Worker(path.join(packageRoot, 'dist/src/modules/overlap/recompute-thread.js'), {
    workerData: { url: ownerUrl } satisfies ThreadInput,
    resourceLimits: { maxOldGenerationSizeMb: recomputeHeapMb(projects) },
  });
  return new Promise<RecomputeResult>((resolve, reject) => {
    worker.once('message', (message: ThreadOutput) => ('result' in message ? resolve(message.result) : reject(new Error(message.error))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the recompute thread stopped (exit code ${code})`)));
  });
}

async function runInThread(input: ThreadInput): Promise<void> {
  const client = new Client({ connectionString: input.url, application_name: 'silta-overlaps' });
  client.on('error', () => undefined); // the recompute's query rejects and the thread reports it
  await client.connect();
  try {
    const result = await recomputeAll(client);
    parentPort!.postMessage({ result } satisfies ThreadOutput);
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies ThreadOutput);
  } finally {
    await client.end();
  }
}

if (!isMainThread && parentPort) void runInThread(workerData as ThreadInput);
