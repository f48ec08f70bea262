import { createServer } from 'node:http';
import { Pool } from 'pg';
import { viewerSettings, type BenchViewer } from './viewer';

/**
 * The raw-SQL floor: a bare node:http server that runs one hand-written statement per request (the
 * SQL and its parameters come in the request body) and sends the JSON PostgreSQL built. Connected as
 * Silta's serving role, so row-level security applies; the partner's pool carries the partner's
 * session settings from connection start-up, so it needs no extra statement per request.
 */
const env = process.env;
const poolMax = Number(env.DB_POOL_MAX ?? 10);
const partner = JSON.parse(env.BENCH_PARTNER ?? 'null') as (BenchViewer & { token: string }) | null;
const startupOptions = (settings: Record<string, string>): string =>
  Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value.replace(/[\\ ]/g, '\\$&')}`)
    .join(' ');
const anonymousPool = new Pool({ connectionString: env.DATABASE_URL, max: poolMax });
const partnerPool = partner
  ? new Pool({ connectionString: env.DATABASE_URL, max: poolMax, options: startupOptions(viewerSettings(partner)) })
  : anonymousPool;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { sql, params } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { sql: string; params: unknown[] };
    const pool = partner && req.headers.authorization === `Bearer ${partner.token}` ? partnerPool : anonymousPool;
    pool.query<{ body: string }>(sql, params).then(
      (result) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(result.rows[0]?.body ?? 'null');
      },
      (error: Error) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: error.message }));
      },
    );
  });
});
server.listen(Number(env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void Promise.all([anonymousPool.end(), partner ? partnerPool.end() : undefined]).then(() => process.exit(0));
});
