import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { withDatabaseName } from '../../src/db/database-url';
import { packageRoot } from '../../src/shared/package-root';
import { testEnv } from '../support/environment';

/** The compiled `silta` command (npm test builds first), run as a child process against a database of its own. */
const CLI = path.join(packageRoot, 'dist/src/cli/silta.js');
let databaseUrl: string;
let serverPassword: string;
const database = `silta_cli_${randomBytes(4).toString('hex')}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  output: string;
}

function silta(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', ...env };
    execFile(process.execPath, [CLI, ...args], { env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, output: stdout + stderr });
    });
  });
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: testEnv('serverUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let passwordRole: string | undefined;

beforeAll(async () => {
  await admin(`create database "${database}" template "${testEnv('emptyTemplate')}"`);
  const server = new URL(testEnv('serverUrl'));
  if (!server.password) {
    // A server with trust authentication (CI's PostgreSQL 15): give the CLI a URL with a password to leak.
    passwordRole = `${database}_pw`;
    const password = randomBytes(12).toString('hex');
    await admin(`create role "${passwordRole}" login superuser password '${password}'`);
    server.username = passwordRole;
    server.password = password;
  }
  databaseUrl = withDatabaseName(server.toString(), database);
  serverPassword = decodeURIComponent(new URL(databaseUrl).password);
  expect(serverPassword.length).toBeGreaterThan(8);
});
afterAll(async () => {
  await admin(`drop database if exists "${database}" with (force)`);
  if (passwordRole) await admin(`drop role if exists "${passwordRole}"`);
});

describe('the silta command', () => {
  it.each([
    [['token', 'create', '--account', '1', '--days', '0'], /option '--days <n>' argument '0' is invalid\. Expected a whole number from 1 to 366/],
    [['token', 'create', '--account', '1', '--days', '-5'], /argument '-5' is invalid/],
    [['token', 'create', '--account', '1', '--days', 'abc'], /argument 'abc' is invalid/],
    [['token', 'create', '--account', '1', '--days', '1.5'], /argument '1\.5' is invalid/],
    [['token', 'create', '--account', '1', '--days', '367'], /argument '367' is invalid/],
    [['token', 'create', '--account', 'one'], /option '--account <id>' argument 'one' is invalid/],
    [['token', 'create', '--account', '1', '--name', ''], /Expected text of 1 to 200 characters/],
    [['token', 'revoke', 'abc'], /value 'abc' is invalid for argument 'tokenId'/],
    [['token', 'revoke', '0'], /value '0' is invalid for argument 'tokenId'/],
    [['account', 'grant', 'x', '--member', '0171450-7'], /value 'x' is invalid for argument 'accountId'/],
    [['account', 'grant', '1', '--member', '1234567-8'], /Expected a valid Y-tunnus/],
    [['account', 'grant', '1'], /give --member <businessId> or --coordinator <programmeCode>/],
    [['no-such-command'], /unknown command/],
  ])('refuses %j as a usage error (exit 2) with a clear message and no stack trace', async (args, message) => {
    const run = await silta(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.output).not.toMatch(/\n\s+at /);
  });

  it('prints a token only from `token create`, and never the database password', async () => {
    const created = await silta(['account', 'create', '--name', 'Komentorivi', '--admin']);
    expect(created.code).toBe(0);
    const accountId = /Created account (\d+)/.exec(created.stdout)![1];

    const issued = await silta(['token', 'create', '--account', accountId, '--days', '30', '--name', 'cli test']);
    expect(issued.code).toBe(0);
    const [, tokenId] = /Token (\d+) \(READ_WRITE, expires/.exec(issued.stdout)!;
    const token = /^silta_[A-Za-z0-9_-]{43}$/m.exec(issued.stdout)![0];
    const expiresAt = new Date(/expires ([^)]+)\)/.exec(issued.stdout)![1]).getTime();
    expect(Math.round((expiresAt - Date.now()) / 86_400_000)).toBe(30);

    const others = [
      created,
      await silta(['token', 'revoke', tokenId]),
      await silta(['token', 'revoke', tokenId]),
      await silta(['account', 'grant', accountId, '--member', '0171450-7']),
      await silta(['migrate']),
    ];
    expect(others.map((run) => run.code)).toEqual([0, 0, 1, 1, 0]);
    for (const run of [...others, issued]) expect(run.output).not.toContain(serverPassword);
    for (const run of others) expect(run.output).not.toContain(token);
  });

  it.each([
    // An unknown role too, so that a server with trust authentication refuses it as well.
    ['a wrong password', () => { const url = new URL(databaseUrl); url.username = 'silta_no_such_role'; url.password = 'hunter2-wrong-pw'; return url.toString(); }],
    ['an unreachable server', () => 'postgresql://silta:hunter2-wrong-pw@127.0.0.1:1/silta'],
    ['a malformed URL', () => 'postgresql://silta:hunter2-wrong-pw@[::1/silta'],
  ])('fails on %s without printing the password', async (_label, url) => {
    const run = await silta(['migrate'], { DATABASE_URL: url() });
    expect(run.code).toBe(1);
    expect(run.output).not.toMatch(/hunter2-wrong-pw/);
    expect(run.output).not.toContain(serverPassword);
  });
});
