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
  } finally {
    await admin.end();
  }
}
