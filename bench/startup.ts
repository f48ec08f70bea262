import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../src/shared/package-root';

/**
 * Start-up benchmark: wall time of `npm start` (incremental build included) until the API answers,
 * on a fresh data folder (initdb, migrations, reference data, demo data) and again on the same one.
 * Targets: 60 s for the first start, 10 s for later ones.
 */
async function timeStart(dataDir: string): Promise<number> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, SILTA_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
  delete env.DATABASE_URL;
  const child = spawn('npm', ['start', '--silent'], { cwd: packageRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const ready = await new Promise<boolean>((resolve) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/ready at http/.test(output)) resolve(true);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => resolve(false));
  });
  const elapsed = (Date.now() - started) / 1000;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // npm runs the server in a child: signal the whole group, as a terminal's Ctrl-C does.
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  if (!ready) throw new Error(`server did not start:\n${output}`);
  return elapsed;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'silta-startup-'));
  await chmod(dataDir, 0o755);
  try {
    const first = await timeStart(dataDir);
    const second = await timeStart(dataDir);
    const third = await timeStart(dataDir);
    console.log('| start | seconds to ready | target |');
    console.log('|---|---|---|');
    console.log(`| first (initdb, migrations, reference + demo data) | ${first.toFixed(1)} | 60 |`);
    console.log(`| second (existing data folder) | ${second.toFixed(1)} | 10 |`);
    console.log(`| third | ${third.toFixed(1)} | 10 |`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
