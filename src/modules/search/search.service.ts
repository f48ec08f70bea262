import type { EntityManager } from '@mikro-orm/postgresql';
import { searchWords, stemPrefix } from './search-query';

export interface SearchHitRow {
  type: 'Organisation' | 'Programme' | 'Project';
  id: number;
  score: number;
}

/**
 * The searchable types and their names. Each keeps its document in a stored `search_document` column
 * (with a GIN index), so neither the index recheck nor the ranking stems the text again.
 */
const SOURCES = [
  { type: 'Organisation', table: 'organisation', name: 'name' },
  { type: 'Programme', table: 'programme', name: 'name' },
  { type: 'Project', table: 'project', name: 'title' },
] as const;

/** A search ready to run: one `union all` over the three types, with its bindings. */
export interface PreparedSearch {
  sql: string;
  bindings: unknown[];
}

/**
 * The ranked hits of a search text over the three types, as SQL. Words are stemmed by PostgreSQL's
 * Finnish Snowball stemmer (stop words drop out) and matched by stem or stem prefix; names and titles
 * also match by trigram word similarity (`<%`, index-backed), which forgives typos. Null when no word
 * is left to look for.
 */
export async function prepareSearch(em: EntityManager, text: string): Promise<PreparedSearch | null> {
  const words = searchWords(text);
  if (words.length === 0) return null;
  const stems = await em.execute<{ stem: string | null }[]>(
    `select (ts_lexize('finnish_stem', w))[1] as stem
     from unnest(array[${words.map(() => '?').join(', ')}]::text[]) with ordinality as u(w, n) order by n`,
    words,
  );
  // Stop words (ja, on, …) have no stem: they neither match nor count for similarity.
  const kept = words.filter((_, index) => stems[index]?.stem);
  if (kept.length === 0) return null;
  const terms = stems
    .map((row) => row.stem)
    .filter((stem): stem is string => stem !== null && stem !== '')
    .map((stem) => {
      const quoted = (lexeme: string): string => `'${lexeme.replace(/'/g, "''")}'`;
      return `(${quoted(stem)} | ${quoted(stemPrefix(stem))}:*)`;
    });
  const tsquery = terms.join(' & ');
  const phrase = kept.join(' ');
  // float8, so that a score read into JavaScript and sent back in a cursor compares equal to itself.
  const selects = SOURCES.map(
    (source) => `
      select '${source.type}' as type, t.id,
             (${tsquery ? `ts_rank(t.search_document, q.query)` : '0'} + word_similarity(?, t.${source.name}))::float8 as score
      from ${source.table} t, (select ${tsquery ? "to_tsquery('simple', ?)" : 'null::tsquery'} as query) q
      where ${
        source.type === 'Project'
          ? // Row-level security keeps non-leakproof operators off project's indexes: candidates come from
            // a function that uses them under the same rule (migration row_level_security). As an array,
            // they are read by primary key, so the policy is checked on the candidates, not on every project.
            't.id = any(array(select silta_project_search_candidates(q.query, ?)))'
          : tsquery
            ? // Two index scans joined, not one `@@ … or <%`: the planner underrates the trigram test and
              // would compute it on every row (a sequential scan, 40 ms instead of 1 ms for 5 000 organisations).
              `t.id in (select s.id from ${source.table} s where s.search_document @@ q.query
                        union all select s.id from ${source.table} s where ? <% s.${source.name})`
            : `? <% t.${source.name}`
      }`,
  );
  // Hidden projects are left out by row-level security (and by the candidates function).
  const bindings = SOURCES.flatMap(() => (tsquery ? [phrase, tsquery, phrase] : [phrase, phrase]));
  return { sql: selects.join(' union all '), bindings };
}

/** A position in the ranking: (score desc, type, id). */
export interface SearchPosition {
  score: number;
  type: SearchHitRow['type'];
  id: number;
}

/**
 * One page of hits in rank order (best first, ties by type and id), after or before a position;
 * `limit` rows at most. Backward pages come back in reverse order, as `buildConnection` expects.
 */
export async function searchPage(
  em: EntityManager,
  search: PreparedSearch,
  page: { limit: number; backward: boolean; position?: SearchPosition },
): Promise<{ rows: SearchHitRow[]; total: number | undefined }> {
  const { position, backward } = page;
  const keyset = position
    ? backward
      ? 'where score > ? or (score = ? and (type, id) < (?, ?))'
      : 'where score < ? or (score = ? and (type, id) > (?, ?))'
    : '';
  const order = backward ? 'score asc, type desc, id desc' : 'score desc, type asc, id asc';
  // The number of all hits comes with the page (a window over every hit, before the cursor and the
  // limit): ranking the hits is the search's cost, and a separate count would pay it again.
  const rows = await em.execute<{ type: SearchHitRow['type']; id: number; score: number | string; total: number }[]>(
    `select type, id, score, total from (select hits.*, count(*) over ()::int as total from (${search.sql}) hits) hits
      ${keyset} order by ${order} limit ?`,
    [...search.bindings, ...(position ? [position.score, position.score, position.type, position.id] : []), page.limit],
  );
  return {
    rows: rows.map((row) => ({ type: row.type, id: Number(row.id), score: Number(row.score) })),
    total: rows.length > 0 ? Number(rows[0].total) : undefined,
  };
}

/** How many hits the search has in all, for `totalCount` (when the page itself is empty and cannot tell). */
export async function countSearch(em: EntityManager, search: PreparedSearch): Promise<number> {
  const [row] = await em.execute<{ n: number }[]>(`select count(*)::int as n from (${search.sql}) hits`, search.bindings);
  return Number(row?.n ?? 0);
}
