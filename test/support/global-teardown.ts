import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__SILTA_TEST_POSTGRES__;
  if (!state) return;
  if (state.embedded) {
    const dataDir = path.dirname(state.embedded.clusterDir);
    await state.embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
    return;
  }
  // A shared server (DATABASE_URL): remove what this run created.
  const admin = new Client({ connectionString: state.serverUrl });
  await admin.connect();
  try {
    for (const name of state.templates) await admin.query(`drop database if exists "${name}"`);
    // Serving roles of test databases that are gone (a test file that crashed before closing its app).
    const { rows } = await admin.query<{ name: string }>(
      `select rolname as name from pg_roles r
       where rolname like 'silta\\_test\\_%\\_app' and not exists (select 1 from pg_database d where r.rolname = d.datname || '_app')`,
    );
    for (const { name } of rows) await admin.query(`drop role if exists "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}
