import './single-graphql';
import { createServer, type IncomingMessage } from 'node:http';
import { Pool } from 'pg';
import { postgraphile } from 'postgraphile';
import { viewerSettings, type BenchViewer } from './viewer';

/**
 * PostGraphile 4.14 as the benchmark runs it (a child process, NODE_ENV=production): connected as
 * Silta's serving role, so Silta's own row-level security policies apply, with the same session
 * settings Silta sets per request for the viewer (anonymous, or the partner whose token the request
 * carries) and a pool as large as Silta's.
 */
const env = process.env;
const partner = JSON.parse(env.BENCH_PARTNER ?? 'null') as (BenchViewer & { token: string }) | null;
const anonymous = viewerSettings({ organisationIds: [], verifiedOrganisationIds: [], accountId: null });
const partnerSettings = partner ? viewerSettings(partner) : anonymous;

const pool = new Pool({ connectionString: env.DATABASE_URL, max: Number(env.DB_POOL_MAX ?? 10) });
const handler = postgraphile(pool, 'public', {
  graphqlRoute: '/graphql',
  graphiql: false,
  disableQueryLog: true,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  legacyRelations: 'omit',
  disableDefaultMutations: true,
  retryOnInitFail: false,
  pgSettings: (req: IncomingMessage) => (partner && req.headers.authorization === `Bearer ${partner.token}` ? partnerSettings : anonymous),
});

const server = createServer(handler);
server.listen(Number(env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
