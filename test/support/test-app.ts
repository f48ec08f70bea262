import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { createApp, type App } from '../../src/app';
import type { ResponseCache } from '../../src/shared/response-cache/response-cache';
import { loadConfig, type Config } from '../../src/config';
import { withDatabaseName } from '../../src/db/database-url';
import { dropAppRole, provisionAppRole } from '../../src/db/app-role';
import { ormConfig } from '../../src/db/orm-config';
import { addCoordinator, addMembership, createAccount, issueToken } from '../../src/modules/auth/account.service';
import { GlobalRole, TokenScope } from '../../src/modules/auth/auth.enums';
import { OverlapWorker } from '../../src/modules/overlap/overlap.worker';
import { WebhookWorker } from '../../src/modules/webhook/webhook.worker';
import { isSessionControl } from '../../src/shared/db/session';
import { createLogger } from '../../src/shared/logger';
import { testEnv, type Template } from './environment';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, unknown>;
}

export interface TestRoles {
  name?: string;
  admin?: boolean;
  analyst?: boolean;
  /** Verified memberships (as an operator or coordinator grants them). */
  memberOf?: number[];
  /** Memberships nobody has verified yet, as when the account registered the organisation itself. */
  unverifiedMemberOf?: number[];
  coordinatorOf?: number[];
  readOnly?: boolean;
}

export interface TestApp {
  url: string;
  /** Connected as the database owner: for set-up and inspection; bypasses row-level security. */
  orm: MikroORM;
  /** The URL of the unprivileged role the app serves requests as. */
  servingUrl: string;
  /** The name of its database (shared with `sameDatabaseAs`). */
  database: string;
  /** POSTs a GraphQL operation and returns the parsed body with the HTTP status. */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T> & { headers?: Headers }>;
  /** Creates an account with the given roles and returns a token for it. */
  signIn(roles?: TestRoles): Promise<string>;
  /** Runs fn and returns how many SQL statements the app sent meanwhile. */
  countStatements(fn: () => Promise<unknown>): Promise<number>;
  /** The app's response cache (when on): its version reads go on a connection of their own, not counted above. */
  responseCache?: ResponseCache;
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  /** The overlap worker, when the options asked for one. */
  overlapWorker?: OverlapWorker;
  /** The webhook worker, when the options asked for one. */
  webhookWorker?: WebhookWorker;
  /** The owner's URL of this app's database (for a second worker, as another instance would run). */
  ownerUrl: string;
  config: Config;
  close(): Promise<void>;
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testEnv('serverUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestAppOptions {
  /** Where the app's log lines go (at `logLevel`, SQL included), for tests that read the log. */
  logTo?: Writable;
  logLevel?: string;
  /** Run the overlap engine's worker (as `npm start` does), polling often. */
  overlapWorker?: boolean;
  /** Run a webhook delivery worker (as `npm start` does) with the app's webhook settings. */
  webhookWorker?: boolean;
  /** A second instance on the database of this one (as two Silta instances behind a load balancer); it does not drop it. */
  sameDatabaseAs?: TestApp;
}

/** A database of this file's own (cloned from a template) and the app on a free port, over real HTTP. */
export async function startTestApp(template: Template = 'demo', configOverrides: Partial<Config> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.sameDatabaseAs;
  const database = shared ? shared.database : `silta_test_${randomBytes(6).toString('hex')}`;
  const source = testEnv(template === 'demo' ? 'demoTemplate' : 'emptyTemplate');
  if (!shared) await admin((client) => client.query(`create database "${database}" template "${source}"`));
  const logger = options.logTo
    ? createLogger(options.logLevel ?? 'trace', options.logTo)
    : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const ownerUrl = withDatabaseName(testEnv('serverUrl'), database);
  // The owner: for the tests' own set-up and inspection (bypasses row-level security).
  const orm = await MikroORM.init(ormConfig({ clientUrl: ownerUrl, poolMax: 5, logger, logSql: false }));
  // The app serves as its own unprivileged role, as in production.
  const servingUrl = await provisionAppRole(ownerUrl, undefined, logger);
  const servingOrm = await MikroORM.init(ormConfig({ clientUrl: servingUrl, poolMax: 5, logger, logSql: options.logTo !== undefined }));
  let statements = 0;
  // Statements the app sends for requests; session and transaction control are not counted.
  servingOrm.em.getKnex().on('query', (query: { sql: string }) => {
    if (process.env.TEST_LOG_SQL) console.error(query.sql);
    if (!isSessionControl(query.sql)) statements += 1;
  });
  const config: Config = { ...loadConfig({}), shutdownTimeoutMs: 1000, ...configOverrides };
  const app: App = await createApp({ orm: servingOrm, config, logger });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const overlapWorker = options.overlapWorker ? new OverlapWorker(ownerUrl, logger, { pollMs: 250 }) : undefined;
  await overlapWorker?.start();
  const webhookWorker = options.webhookWorker ? new WebhookWorker(ownerUrl, servingUrl, config.webhooks, logger) : undefined;
  await webhookWorker?.start();

  return {
    url,
    orm,
    servingUrl,
    database,
    async gql(query, variables, options) {
      if (process.env.TEST_LOG_SQL) console.error('=== request');
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(options?.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options?.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse<any>;
      return { ...body, status: response.status, headers: response.headers };
    },
    async signIn(roles = {}) {
      const em = orm.em.fork();
      const account = await createAccount(em, {
        name: roles.name ?? 'Testaaja',
        globalRoles: [...(roles.admin ? [GlobalRole.ADMIN] : []), ...(roles.analyst ? [GlobalRole.ANALYST] : [])],
      });
      for (const organisationId of roles.memberOf ?? []) await addMembership(em, account.id, organisationId, { verified: true });
      for (const organisationId of roles.unverifiedMemberOf ?? []) await addMembership(em, account.id, organisationId, { verified: false });
      for (const programmeId of roles.coordinatorOf ?? []) await addCoordinator(em, account.id, programmeId);
      const issued = await issueToken(em, account.id, { name: 'test', scope: roles.readOnly ? TokenScope.READ_ONLY : TokenScope.READ_WRITE });
      return issued.token;
    },
    responseCache: app.responseCache,
    async countStatements(fn) {
      const before = statements;
      await fn();
      return statements - before;
    },
    async sql(query, params = []) {
      return orm.em.getConnection().execute(query, params as never[]);
    },
    overlapWorker,
    webhookWorker,
    ownerUrl,
    config,
    async close() {
      await app.stop();
      await overlapWorker?.stop();
      await webhookWorker?.stop();
      await servingOrm.close(true);
      await orm.close(true);
      if (shared) return;
      await admin((client) => client.query(`drop database if exists "${database}" with (force)`));
      await dropAppRole(testEnv('serverUrl'), database);
    },
  };
}

/** Asserts a response has no errors and returns its data. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors, null, 2)}`);
  return response.data as T;
}
