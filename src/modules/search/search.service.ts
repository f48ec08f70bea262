import type { EntityManager } from '@mikro-orm/postgresql';
import { ORGANISATION_SEARCH_DOCUMENT } from '../organisation/organisation.entity';
import { PROGRAMME_SEARCH_DOCUMENT } from '../programme/programme.entity';
import { PROJECT_SEARCH_DOCUMENT } from '../project/project.entity';
import { searchWords, stemPrefix } from './search-query';

export interface SearchHitRow {
  type: 'Organisation' | 'Programme' | 'Project';
  id: number;
  score: number;
}

/** Where each searchable type keeps its document (matching its GIN expression index) and its name. */
const SOURCES = [
  { type: 'Organisation', table: 'organisation', document: ORGANISATION_SEARCH_DOCUMENT, name: 'name' },
  { type: 'Programme', table: 'programme', document: PROGRAMME_SEARCH_DOCUMENT, name: 'name' },
  { type: 'Project', table: 'project', document: PROJECT_SEARCH_DOCUMENT, name: 'title' },
] as const;

/**
 * Ranked hits over the three types in one statement. Words are stemmed by PostgreSQL's Finnish
 * Snowball stemmer (stop words drop out) and matched by stem or stem prefix; names and titles also
 * match by trigram word similarity (`<%`, index-backed), which forgives typos.
 */
export async function searchIndex(em: EntityManager, text: string, limit: number): Promise<SearchHitRow[]> {
  const words = searchWords(text);
  if (words.length === 0) return [];
  const stems = await em.execute<{ stem: string | null }[]>(
    `select (ts_lexize('finnish_stem', w))[1] as stem
     from unnest(array[${words.map(() => '?').join(', ')}]::text[]) with ordinality as u(w, n) order by n`,
    words,
  );
  // Stop words (ja, on, …) have no stem: they neither match nor count for similarity.
  const kept = words.filter((_, index) => stems[index]?.stem);
  if (kept.length === 0) return [];
  const terms = stems
    .map((row) => row.stem)
    .filter((stem): stem is string => stem !== null && stem !== '')
    .map((stem) => {
      const quoted = (lexeme: string): string => `'${lexeme.replace(/'/g, "''")}'`;
      return `(${quoted(stem)} | ${quoted(stemPrefix(stem))}:*)`;
    });
  const tsquery = terms.join(' & ');
  const phrase = kept.join(' ');
  const selects = SOURCES.map(
    (source) => `
      select '${source.type}' as type, t.id,
             ${tsquery ? `ts_rank(${source.document}, q.query)` : '0'} + word_similarity(?, t.${source.name}) as score
      from ${source.table} t, (select ${tsquery ? "to_tsquery('simple', ?)" : 'null::tsquery'} as query) q
      where (${tsquery ? `${source.document} @@ q.query or ` : ''}? <% t.${source.name})`,
  );
  // Hidden projects are left out by row-level security.
  const params = SOURCES.flatMap(() => (tsquery ? [phrase, tsquery, phrase] : [phrase, phrase]));
  const rows = await em.execute<{ type: SearchHitRow['type']; id: number; score: string }[]>(
    `${selects.join(' union all ')} order by score desc, type, id limit ?`,
    [...params, limit],
  );
  return rows.map((row) => ({ type: row.type, id: Number(row.id), score: Number(row.score) }));
}
