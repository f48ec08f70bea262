import type { Knex } from '@mikro-orm/postgresql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { generateData, type GenerateOptions, type ProjectBundle, type TruthPair } from './generate';

/** Rows per multi-row INSERT: well under PostgreSQL's 65 535 parameters for the widest table. */
const BATCH = 1000;

export interface GenerateResult {
  counts: Record<string, number>;
  truth: TruthPair[];
  slotCollisions: number;
  ms: number;
}

/** Thrown when the database already holds organisations, programmes or projects: generated data is never mixed in silently. */
export class DatabaseNotEmptyError extends Error {}

async function insertBatches(trx: Knex.Transaction, table: string, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await trx(table).insert(rows.slice(i, i + BATCH));
}

/**
 * Writes the generated data set through the owner's connection (row-level security does not apply
 * to the owner) in one transaction, with multi-row INSERTs: organisations and programmes at once,
 * projects and their rows in batches as the generator yields them, so memory stays bounded.
 * Identifiers are assigned here, so child rows need no RETURNING round trip.
 */
export async function writeGeneratedData(orm: MikroORM, options: GenerateOptions, onProgress?: (projectsWritten: number) => void): Promise<GenerateResult> {
  const started = process.hrtime.bigint();
  const knex = orm.em.getKnex();
  const counts: Record<string, number> = {};
  const count = (table: string, n: number) => {
    counts[table] = (counts[table] ?? 0) + n;
  };
  let truth: TruthPair[] = [];
  let slotCollisions = 0;
  await knex.transaction(async (trx) => {
    // A synthetic bulk load is not news: no activity events for it (the activity_log migration).
    await trx.raw(`select set_config('silta.activity_log', 'off', true)`);
    const [{ existing }] = (await trx.raw<{ rows: Array<{ existing: string }> }>(
      'select (select count(*) from organisation) + (select count(*) from programme) + (select count(*) from project) as existing',
    )).rows;
    if (Number(existing) > 0) {
      throw new DatabaseNotEmptyError('The database already holds organisations, programmes or projects; generate into an empty one (e.g. `silta seed --no-demo` on a new database).');
    }
    const areas = (await trx.raw<{ rows: Array<{ postalCode: string; nameFi: string; municipalityCode: string; regionCode: string }> }>(
      `select p.postal_code as "postalCode", p.name_fi as "nameFi", p.municipality_code as "municipalityCode", m.region_code as "regionCode"
         from postal_area p join municipality m on m.code = p.municipality_code
        where p.kind = 'NORMAL' order by p.postal_code`,
    )).rows;
    if (areas.length === 0) throw new Error('No reference geography: run `silta seed --no-demo` first.');
    const themes = new Map<string, number>((await trx('theme').select('id', 'code')).map((row: { id: number; code: string }) => [row.code, row.id]));
    const targetGroups = new Map<string, number>((await trx('target_group').select('id', 'code')).map((row: { id: number; code: string }) => [row.code, row.id]));
    const data = generateData(options, areas, [...themes.keys()], [...targetGroups.keys()]);

    // Explicit identifiers after the current maximum; the sequences are moved past them at the end.
    const offset = async (table: string) => Number((await trx.raw<{ rows: Array<{ max: number | null }> }>(`select max(id) as max from "${table}"`)).rows[0].max ?? 0);
    const orgOffset = await offset('organisation');
    const programmeOffset = await offset('programme');
    const projectOffset = await offset('project');

    await insertBatches(trx, 'organisation', data.organisations.map((row) => ({ ...row, id: row.id + orgOffset, is_demo: false })));
    count('organisation', data.organisations.length);
    await insertBatches(trx, 'programme', data.programmes.map((row) => ({ ...row, id: row.id + programmeOffset, is_demo: false })));
    count('programme', data.programmes.length);
    await insertBatches(trx, 'programme_area', data.programmeAreas.map((row) => ({ ...row, programme_id: row.programme_id + programmeOffset })));
    count('programme_area', data.programmeAreas.length);

    let pending: ProjectBundle[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const bundles = pending;
      pending = [];
      const projectId = (bundle: ProjectBundle) => bundle.project.id + projectOffset;
      await trx('project').insert(bundles.map((bundle) => ({ ...bundle.project, id: projectId(bundle), programme_id: bundle.project.programme_id + programmeOffset, is_demo: false })));
      count('project', bundles.length);
      const children: Record<string, object[]> = { participation: [], funding_line: [], project_location: [], project_theme: [], project_target_group: [] };
      for (const bundle of bundles) {
        const project_id = projectId(bundle);
        for (const row of bundle.participations) children.participation.push({ ...row, project_id, organisation_id: row.organisation_id + orgOffset });
        for (const row of bundle.funding) children.funding_line.push({ ...row, project_id });
        for (const postal_code of bundle.locations) children.project_location.push({ project_id, postal_code });
        for (const code of bundle.themes) children.project_theme.push({ project_id, theme_id: themes.get(code)! });
        for (const code of bundle.targetGroups) children.project_target_group.push({ project_id, target_group_id: targetGroups.get(code)! });
      }
      for (const [table, rows] of Object.entries(children)) {
        await insertBatches(trx, table, rows);
        count(table, rows.length);
      }
      onProgress?.(counts.project);
    };
    for (const bundle of data.projects()) {
      pending.push(bundle);
      if (pending.length >= BATCH) await flush();
    }
    await flush();
    for (const table of ['organisation', 'programme', 'project']) {
      await trx.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), greatest((select max(id) from "${table}"), 1))`);
    }
    truth = data.truth;
    slotCollisions = data.slotCollisions();
  });
  return { counts, truth, slotCollisions, ms: Number((process.hrtime.bigint() - started) / 1_000_000n) };
}

