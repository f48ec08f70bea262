/**
 * The overlap engine: finds candidate pairs through shared keys (organisations, municipalities and
 * so postal areas, with overlapping periods), never by comparing all pairs; scores them
 * (overlap.signals.ts) and stores the findings.
 *
 * - rescoreProjects: a few changed projects against their candidates, found by index in SQL; the
 *   worker (overlap.worker.ts) runs it for projects the triggers queued, within the transaction
 *   that takes them off the queue.
 * - recomputeAll: every project, in memory (blocking by key and a sweep over start dates), then
 *   replaces the findings and the text statistics in one transaction.
 *
 * Both run as the database owner. A full recompute holds an exclusive advisory lock for its whole
 * run and incremental batches a shared one, so a recompute never overwrites a newer rescore.
 */
import type { Logger } from 'pino';
import type { StoredSignal } from './overlap.entity';
import { OverlapKind } from './overlap.enums';
import { loadAllProfiles, loadNames, loadProfiles, loadTerritories, forEachProjectText, ELIGIBLE_PROJECT_SQL, type Queryable, type Territories } from './overlap.profiles';
import { classify, crossesDivide, explain, measure, scoreOf, territoryConflict, totalScore, type EvidenceNames, type ProjectProfile } from './overlap.signals';
import { textGrams, textProfile, VectorPool, type TextStatistics } from './text-similarity';

/** Advisory lock key shared by every instance ("silta overlaps"). */
export const OVERLAP_LOCK = 0x5117a0;

export interface Finding {
  a: number;
  b: number;
  kind: OverlapKind;
  score: number;
  crossesDivide: boolean;
  signals: StoredSignal[];
}

/** Whether two projects may be compared at all: different programmes, not an umbrella and its own pilot. */
export function comparable(a: ProjectProfile, b: ProjectProfile): boolean {
  return a.id !== b.id && a.programmeId !== b.programmeId && a.parentId !== b.id && b.parentId !== a.id;
}

/** A scored pair before its evidence is written: enough to rank and keep or drop it. */
export interface Assessment {
  a: ProjectProfile;
  b: ProjectProfile;
  kind: OverlapKind;
  score: number;
}

/** SYNERGY suggestions kept per project (a pair stays when it is among either project's best). */
export const SYNERGY_PER_PROJECT = 3;

function sharesAny<T>(x: readonly T[], y: readonly T[]): boolean {
  for (const value of x) if (y.includes(value)) return true;
  return false;
}

/**
 * Every kind needs a shared organisation, a shared postal area, or (across the divide) a shared
 * theme: most candidate pairs of a large municipality have none, and are dropped here without
 * measuring them (classify would drop them too; this only saves the work and the garbage).
 */
export function cannotBeFinding(a: ProjectProfile, b: ProjectProfile): boolean {
  for (const id of a.roles.keys()) if (b.roles.has(id)) return false;
  if (sharesAny(a.postalCodes, b.postalCodes)) return false;
  return !(crossesDivide(a, b) && sharesAny(a.themes, b.themes));
}

/** A pair's kind and score, or null when it is no finding (profiles in either order). */
export function assessPair(first: ProjectProfile, second: ProjectProfile, names: Pick<EvidenceNames, 'territory'>): Assessment | null {
  const [a, b] = first.id < second.id ? [first, second] : [second, first];
  if (!comparable(a, b) || cannotBeFinding(a, b)) return null;
  const measures = measure(a, b);
  const kind = classify(measures, a, b);
  if (!kind) return null;
  measures.territoryConflict = territoryConflict(a, b, names);
  return { a, b, kind, score: scoreOf(measures) };
}

/** The finding of an assessed pair, with its evidence (the profiles need their texts for the shared words). */
export function explainPair(assessment: Assessment, names: EvidenceNames): Finding {
  const { a, b, kind } = assessment;
  const measures = measure(a, b);
  measures.territoryConflict = territoryConflict(a, b, names);
  const signals = explain(measures, a, b, names);
  return { a: a.id, b: b.id, kind, score: totalScore(signals), crossesDivide: crossesDivide(a, b), signals };
}

/** A pair's finding, or null when it is none (SYNERGY uncapped). */
export function scorePair(first: ProjectProfile, second: ProjectProfile, names: EvidenceNames): Finding | null {
  const assessment = assessPair(first, second, names);
  return assessment && explainPair(assessment, names);
}

/** Document frequencies of grams, as counted by the last full recompute. */
export class GramStatistics implements TextStatistics {
  constructor(
    readonly documents: number,
    private readonly counts: ReadonlyMap<string, number>,
    readonly version: string,
  ) {}

  frequency(gram: string): number {
    return this.counts.get(gram) ?? 1;
  }

  get size(): number {
    return this.counts.size;
  }
}

export async function loadStatistics(db: Queryable): Promise<GramStatistics | null> {
  const state = await db.query<{ value: { documents: number; version: string } }>(`select value from overlap_state where key = 'corpus'`);
  if (!state.rows.length) return null;
  const { rows } = await db.query<{ term: string; documents: number }>('select term, documents from overlap_term');
  return new GramStatistics(state.rows[0].value.documents, new Map(rows.map((row) => [row.term, row.documents])), state.rows[0].value.version);
}

export async function statisticsVersion(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ version: string }>(`select value->>'version' as version from overlap_state where key = 'corpus'`);
  return rows[0]?.version ?? null;
}

/**
 * Candidates of the given projects, by index: shared organisations (not funders), shared postal
 * areas, and the same municipality with a shared theme (what cannotBeFinding leaves); overlapping
 * periods, other programmes.
 */
const CANDIDATES_SQL = `
  select distinct me.id as project_id, o.id as other_id
  from project me
  join lateral (
    select p2.project_id as id from participation p1
      join participation p2 on p2.organisation_id = p1.organisation_id and p2.role <> 'FUNDER'
      where p1.project_id = me.id and p1.role <> 'FUNDER'
    union
    select l2.project_id from project_location l1
      join project_location l2 on l2.postal_code = l1.postal_code
      where l1.project_id = me.id
    union
    select t2.project_id from project_location l1
      join postal_area a1 on a1.postal_code = l1.postal_code
      join postal_area a2 on a2.municipality_code = a1.municipality_code
      join project_location l2 on l2.postal_code = a2.postal_code
      join project_theme t1 on t1.project_id = me.id
      join project_theme t2 on t2.project_id = l2.project_id and t2.theme_id = t1.theme_id
      where l1.project_id = me.id
  ) c on c.id <> me.id
  join project o on o.id = c.id
  where me.id = any($1) and ${ELIGIBLE_PROJECT_SQL.replace(/p\./g, 'me.')} and ${ELIGIBLE_PROJECT_SQL.replace(/p\./g, 'o.')}
    and o.programme_id <> me.programme_id
    and coalesce(o.actual_start, o.planned_start) <= coalesce(me.actual_end, me.planned_end, 'infinity'::date)
    and coalesce(o.actual_end, o.planned_end, 'infinity'::date) >= coalesce(me.actual_start, me.planned_start)`;

export interface RescoreContext {
  statistics: GramStatistics | null;
  territories: Territories;
}

export interface RescoreResult {
  projects: number;
  candidatePairs: number;
  findings: number;
  removed: number;
}

/** Orders assessments best first, ties by the other project's ID, so that caps are deterministic. */
function byScore(x: Assessment, y: Assessment): number {
  return y.score - x.score || x.a.id - y.a.id || x.b.id - y.b.id;
}

/**
 * SYNERGY is kept when the pair is among the best SYNERGY_PER_PROJECT of either project: a
 * national data set has many same-theme projects in each municipality, and a list of them all
 * would bury the few an analyst should act on. Risks and shared organisations are never capped.
 * For a project outside `rescored`, its best are read from the stored findings (pairs with the
 * rescored projects left out); between full recomputes the cap is therefore approximate.
 */
async function capSynergy(db: Queryable, assessments: readonly Assessment[], rescored: ReadonlySet<number>): Promise<Assessment[]> {
  const kept = assessments.filter((x) => x.kind !== OverlapKind.SYNERGY);
  const synergy = assessments.filter((x) => x.kind === OverlapKind.SYNERGY).sort(byScore);
  const best = new Set<Assessment>();
  const perProject = new Map<number, number>();
  for (const x of synergy) {
    for (const id of [x.a.id, x.b.id]) {
      if (!rescored.has(id)) continue;
      const n = perProject.get(id) ?? 0;
      if (n < SYNERGY_PER_PROJECT) {
        best.add(x);
        perProject.set(id, n + 1);
      }
    }
  }
  const others = synergy.filter((x) => !best.has(x));
  const outside = [...new Set(others.flatMap((x) => [x.a.id, x.b.id]).filter((id) => !rescored.has(id)))];
  const threshold = new Map<number, number | null>();
  if (outside.length) {
    const { rows } = await db.query<{ id: number; kth: number | null }>(
      `select x.id, (select s.score from (
           select score from overlap where project_a_id = x.id and kind = 'SYNERGY' and not (project_b_id = any($2))
           union all
           select score from overlap where project_b_id = x.id and kind = 'SYNERGY' and not (project_a_id = any($2))
         ) s order by s.score desc offset $3 limit 1) as kth
       from unnest($1::int[]) x(id)`,
      [outside, [...rescored], SYNERGY_PER_PROJECT - 1],
    );
    for (const row of rows) threshold.set(row.id, row.kth);
  }
  for (const x of others) {
    const other = rescored.has(x.a.id) ? x.b.id : x.a.id;
    if (rescored.has(other)) continue;
    const kth = threshold.get(other) ?? null;
    if (kth === null || x.score > kth) best.add(x);
  }
  return [...kept, ...best];
}

/**
 * Rescores the given projects against their candidates and writes the result: their findings are
 * replaced (pairs that are no longer findings are deleted). Run inside the caller's transaction.
 */
export async function rescoreProjects(db: Queryable, ids: readonly number[], context: RescoreContext): Promise<RescoreResult> {
  if (!ids.length) return { projects: 0, candidatePairs: 0, findings: 0, removed: 0 };
  const { rows: pairs } = await db.query<{ project_id: number; other_id: number }>(CANDIDATES_SQL, [ids]);
  const involved = new Set<number>(ids);
  for (const pair of pairs) involved.add(pair.other_id);
  const profiles = await loadProfiles(db, [...involved], context.statistics, context.territories);
  const organisationIds = new Set<number>();
  for (const profile of profiles.values()) for (const id of profile.roles.keys()) organisationIds.add(id);
  const names = await loadNames(db, [...organisationIds], context.territories, context.statistics);

  const assessments = new Map<string, Assessment>();
  for (const pair of pairs) {
    const a = profiles.get(pair.project_id);
    const b = profiles.get(pair.other_id);
    if (!a || !b) continue;
    const assessment = assessPair(a, b, names);
    if (assessment) assessments.set(`${assessment.a.id}:${assessment.b.id}`, assessment);
  }
  const kept = await capSynergy(db, [...assessments.values()], new Set(ids));
  const list = kept.map((x) => explainPair(x, names)).sort((x, y) => x.a - y.a || x.b - y.b);
  const removed = await db.query<{ id: number }>(
    `delete from overlap o where (o.project_a_id = any($1) or o.project_b_id = any($1))
       and not exists (select 1 from unnest($2::int[], $3::int[]) k(a, b) where k.a = o.project_a_id and k.b = o.project_b_id)
     returning id`,
    [ids, list.map((f) => f.a), list.map((f) => f.b)],
  );
  await upsertFindings(db, list);
  return { projects: ids.length, candidatePairs: pairs.length, findings: list.length, removed: removed.rows.length };
}

const FINDING_ARRAYS = `unnest($1::int[], $2::int[], $3::overlap_kind[], $4::float8[], $5::boolean[], $6::jsonb[]) x(a, b, kind, score, crosses, signals)`;

function findingParams(findings: readonly Finding[]): unknown[] {
  return [
    findings.map((f) => f.a),
    findings.map((f) => f.b),
    findings.map((f) => f.kind),
    findings.map((f) => f.score),
    findings.map((f) => f.crossesDivide),
    findings.map((f) => JSON.stringify(f.signals)),
  ];
}

/** Inserts or updates by pair from `source` (columns a, b, kind, score, crosses, signals); a review's status is copied in by a trigger. */
function upsertSql(source: string): string {
  return `insert into overlap (project_a_id, project_b_id, kind, score, crosses_divide, signals, computed_at, updated_at)
    select a, b, kind, score, crosses, signals, clock_timestamp(), clock_timestamp() from ${source}
    on conflict (project_a_id, project_b_id) do update set
      kind = excluded.kind, score = excluded.score, crosses_divide = excluded.crosses_divide, signals = excluded.signals,
      computed_at = excluded.computed_at,
      updated_at = case when (overlap.kind, overlap.score, overlap.crosses_divide, overlap.signals)
                         is distinct from (excluded.kind, excluded.score, excluded.crosses_divide, excluded.signals)
                       then excluded.updated_at else overlap.updated_at end`;
}

export async function upsertFindings(db: Queryable, findings: readonly Finding[]): Promise<void> {
  for (let i = 0; i < findings.length; i += 2000) {
    await db.query(upsertSql(FINDING_ARRAYS), findingParams(findings.slice(i, i + 2000)));
  }
}

export interface RecomputeResult {
  projects: number;
  candidatePairs: number;
  findings: number;
  byKind: Record<string, number>;
  ms: number;
  /** Milliseconds per phase, and the JavaScript heap in use at the end of each. */
  phases: Record<string, number>;
  heapMb: Record<string, number>;
}

/**
 * Candidate pairs of all profiles: projects sharing an organisation, a postal area, or a
 * municipality and a theme, with overlapping periods (a sweep over start dates inside each key's group), in
 * different programmes. Calls `visit` once per pair of indexes into `profiles`: a pair sharing
 * several keys is visited under the first of them, so no set of seen pairs is needed.
 */
export function forEachCandidatePair(profiles: readonly ProjectProfile[], visit: (i: number, j: number) => void): number {
  const keyIds = new Map<string, number>();
  const groups: number[][] = [];
  const keysOf: Int32Array[] = [];
  profiles.forEach((profile, index) => {
    const keys: number[] = [];
    const add = (key: string) => {
      let id = keyIds.get(key);
      if (id === undefined) {
        id = groups.length;
        keyIds.set(key, id);
        groups.push([]);
      }
      groups[id].push(index);
      keys.push(id);
    };
    // The keys of every kind: a shared organisation, a shared postal area, or a municipality and a
    // theme (SYNERGY across the divide needs a shared theme); a municipality alone would pair every
    // project of a city with every other.
    for (const organisationId of profile.roles.keys()) add(`o${organisationId}`);
    for (const postalCode of profile.postalCodes) add(`a${postalCode}`);
    for (const municipality of profile.municipalities) for (const theme of profile.themes) add(`m${municipality}:${theme}`);
    keysOf.push(Int32Array.from(keys).sort());
  });
  /** The smallest key two projects share (both key lists are sorted). */
  const firstShared = (x: Int32Array, y: Int32Array): number => {
    let i = 0;
    let j = 0;
    while (i < x.length && j < y.length) {
      if (x[i] === y[j]) return x[i];
      if (x[i] < y[j]) i++;
      else j++;
    }
    return -1;
  };
  let count = 0;
  groups.forEach((group, key) => {
    if (group.length < 2) return;
    group.sort((x, y) => (profiles[x].start < profiles[y].start ? -1 : profiles[x].start > profiles[y].start ? 1 : x - y));
    for (let g = 0; g < group.length; g++) {
      const a = profiles[group[g]];
      const end = a.end ?? '9999-12-31';
      for (let h = g + 1; h < group.length; h++) {
        const b = profiles[group[h]];
        if (b.start > end) break;
        if (a.programmeId === b.programmeId) continue;
        const [i, j] = group[g] < group[h] ? [group[g], group[h]] : [group[h], group[g]];
        if (firstShared(keysOf[i], keysOf[j]) !== key) continue;
        count++;
        visit(i, j);
      }
    }
  });
  return count;
}

/** Recomputes every finding and the text statistics. Needs a dedicated connection (it holds a session lock). */
export async function recomputeAll(client: Queryable, logger?: Logger): Promise<RecomputeResult> {
  const started = Date.now();
  const phases: Record<string, number> = {};
  const heapMb: Record<string, number> = {};
  const mark = (name: string, since: number) => {
    phases[name] = Date.now() - since;
    heapMb[name] = Math.round(process.memoryUsage().heapUsed / 1048576);
  };
  await client.query('select pg_advisory_lock($1)', [OVERLAP_LOCK]);
  try {
    const { rows: [{ now: startedAt }] } = await client.query<{ now: string }>('select clock_timestamp()::text as now');

    let t = Date.now();
    const counts = new Map<string, number>();
    let documents = 0;
    await forEachProjectText(client, (row) => {
      documents++;
      for (const gram of textGrams(row.title, row.summary, row.purpose).keys()) counts.set(gram, (counts.get(gram) ?? 0) + 1);
    });
    for (const [gram, count] of counts) if (count < 2) counts.delete(gram);
    const statistics = new GramStatistics(documents, counts, startedAt);
    mark('textStatistics', t);

    // Profiles without their texts (only the vectors, packed): texts are read again for the evidence.
    t = Date.now();
    const territories = await loadTerritories(client);
    const pool = new VectorPool();
    const profiles = await loadAllProfiles(client, territories, (row) => textProfile(row, statistics, pool));
    mark('profiles', t);
    logger?.info({ projects: profiles.length, grams: counts.size }, 'overlaps: profiles loaded');

    t = Date.now();
    const organisationIds = new Set<number>();
    for (const profile of profiles) for (const id of profile.roles.keys()) organisationIds.add(id);
    const names = await loadNames(client, [...organisationIds], territories, statistics);
    // SYNERGY is capped as it streams by (each project's best few), so millions of same-theme pairs
    // in a national data set never sit in memory; the result is what capSynergy would keep.
    const kept: Assessment[] = [];
    const bestSynergy = new Map<number, Assessment[]>();
    const offer = (x: Assessment) => {
      for (const id of [x.a.id, x.b.id]) {
        let list = bestSynergy.get(id);
        if (!list) bestSynergy.set(id, (list = []));
        if (list.length < SYNERGY_PER_PROJECT) list.push(x);
        else if (byScore(x, list[list.length - 1]) < 0) list[list.length - 1] = x;
        else continue;
        list.sort(byScore);
      }
    };
    const candidatePairs = forEachCandidatePair(profiles, (i, j) => {
      const assessment = assessPair(profiles[i], profiles[j], names);
      if (!assessment) return;
      if (assessment.kind === OverlapKind.SYNERGY) offer(assessment);
      else kept.push(assessment);
    });
    const synergy = new Set<Assessment>();
    for (const list of bestSynergy.values()) for (const x of list) synergy.add(x);
    bestSynergy.clear();
    kept.push(...synergy);
    kept.sort((x, y) => x.a.id - y.a.id || x.b.id - y.b.id);
    mark('scoring', t);
    logger?.info({ candidatePairs, findings: kept.length }, 'overlaps: pairs scored');

    t = Date.now();
    const byId = new Map(profiles.map((profile) => [profile.id, profile]));
    await client.query(`create temporary table overlap_new (a int, b int, kind overlap_kind, score float8, crosses boolean, signals jsonb, primary key (a, b))`);
    try {
      // Small chunks, so that each chunk's texts and evidence die young instead of growing the heap.
      for (let i = 0; i < kept.length; i += 250) {
        const chunk = kept.slice(i, i + 250);
        const ids = [...new Set(chunk.flatMap((x) => [x.a.id, x.b.id]))];
        const { rows } = await client.query<{ id: number; title: string; summary: string | null; purpose: string | null }>(
          'select id, title, summary, purpose from project where id = any($1)', [ids]);
        // The chunk's profiles get their texts for the shared words of the evidence, then lose them again.
        for (const row of rows) Object.assign(byId.get(row.id)!, { title: row.title, summary: row.summary, purpose: row.purpose });
        const findings = chunk.map((x) => explainPair(x, names));
        for (const id of ids) Object.assign(byId.get(id)!, { title: '', summary: null, purpose: null });
        await client.query(`insert into overlap_new select * from ${FINDING_ARRAYS}`, findingParams(findings));
      }
      mark('evidence', t);

      t = Date.now();
      await client.query('begin');
      try {
        // The first computation over existing data is the baseline, not news: no OVERLAP_FOUND events for it.
        await client.query(`select set_config('silta.activity_log', 'off', true) where not exists (select 1 from overlap)`);
        await client.query('delete from overlap o where not exists (select 1 from overlap_new n where n.a = o.project_a_id and n.b = o.project_b_id)');
        await client.query(upsertSql('overlap_new'));
        await client.query('truncate overlap_term');
        const terms = [...counts.entries()];
        for (let i = 0; i < terms.length; i += 20000) {
          const chunk = terms.slice(i, i + 20000);
          await client.query('insert into overlap_term (term, documents) select * from unnest($1::text[], $2::int[])', [chunk.map((x) => x[0]), chunk.map((x) => x[1])]);
        }
        await client.query(
          `insert into overlap_state (key, value, updated_at) values ('corpus', $1, now())
             on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`,
          [JSON.stringify({ documents, version: startedAt })],
        );
        await client.query('delete from overlap_dirty where queued_at < $1::timestamptz', [startedAt]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    } finally {
      await client.query('drop table if exists overlap_new');
    }
    mark('write', t);

    const byKind: Record<string, number> = {};
    for (const x of kept) byKind[x.kind] = (byKind[x.kind] ?? 0) + 1;
    return { projects: profiles.length, candidatePairs, findings: kept.length, byKind, ms: Date.now() - started, phases, heapMb };
  } finally {
    await client.query('select pg_advisory_unlock($1)', [OVERLAP_LOCK]);
  }
}
