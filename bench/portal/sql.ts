import { FundingSource } from '../../src/modules/funding/funding.enums';

/**
 * SQL the benchmark adds to its own database (as the owner) so that PostGraphile and the floor get
 * totals, orderings and search from PostgreSQL, never from client-side work. Functions run as the
 * caller (no security definer): row-level security applies to them as to any query of the caller.
 */

/** Silta lists sums per source in the order of the FundingSource enum (src/modules/funding/funding-totals.ts). */
const SOURCE_ORDER = `array[${Object.values(FundingSource).map((source) => `'${source}'`).join(', ')}]::text[]`;

/** A project's funding totals as Silta's FundingTotals: exact sums as text with two decimals, by source in enum order. */
export const FUNDING_TOTALS_SQL = (projectId: string): string => `(
  select json_build_object(
    'planned', coalesce(sum(s.planned), 0)::numeric(20, 2)::text,
    'granted', coalesce(sum(s.granted), 0)::numeric(20, 2)::text,
    'paid', coalesce(sum(s.paid), 0)::numeric(20, 2)::text,
    'bySource', coalesce(json_agg(json_build_object('source', s.source, 'planned', s.planned::text, 'granted', s.granted::text, 'paid', s.paid::text)
                                  order by array_position(${SOURCE_ORDER}, s.source::text)), '[]'::json))
  from (select f.source, sum(f.planned) as planned, sum(f.granted) as granted, sum(f.paid) as paid
          from funding_line f where f.project_id = ${projectId} group by f.source) s)`;

/** Silta's lead organisation: the first LEAD participation (by id). */
const LEAD_SQL = (projectId: string): string =>
  `select o.* from participation x join organisation o on o.id = x.organisation_id
    where x.project_id = ${projectId} and x.role = 'LEAD' order by x.id limit 1`;

/** Silta's effective project period (src/modules/project/project.service.ts). */
export const PROJECT_START = 'coalesce(t.actual_start, t.planned_start)';
export const PROJECT_END = "coalesce(t.actual_end, t.planned_end, 'infinity'::date)";

/** Projects of a programme with a theme, active in a date range, by code: Programme.projects(filter: { theme, overlaps }). */
export const PROGRAMME_PROJECTS_WHERE = (programmeId: string, theme: string, from: string, to: string): string =>
  `t.programme_id = ${programmeId}
   and exists (select 1 from project_theme pt join theme th on th.id = pt.theme_id where pt.project_id = t.id and th.code = ${theme})
   and ${PROJECT_START} <= ${to}::date and ${PROJECT_END} >= ${from}::date`;

/**
 * Silta's search (src/modules/search/search.service.ts) as one SQL function: the same word split
 * (search-query.ts: lower case, split on non-letters, unique, at most 8), the Finnish stems and
 * prefixes, the same union over the three types with the same documents, scores and ranking.
 * Planned for its values on every call, as Silta's statement is: PL/pgSQL would otherwise switch to a
 * generic plan after five calls, one that cannot know the query matches few rows.
 */
const SEARCH_FUNCTION = `
create function bench_search(q text) returns setof bench_search_hit language plpgsql stable
  set plan_cache_mode = force_custom_plan as $fn$
declare
  v_words text[];
  v_kept text[] := '{}';
  v_terms text[] := '{}';
  v_word text;
  v_stem text;
  v_phrase text;
  v_query tsquery;
begin
  select coalesce(array_agg(w order by first), '{}') into v_words from (
    select w, min(n) as first from regexp_split_to_table(lower(normalize(q, NFC)), '[^[:alnum:]]+') with ordinality as s(w, n)
     where w <> '' group by w order by min(n) limit 8) u;
  foreach v_word in array v_words loop
    v_stem := (ts_lexize('finnish_stem', v_word))[1];
    if v_stem is not null and v_stem <> '' then
      v_kept := v_kept || v_word;
      v_terms := v_terms || format('(%s | %s:*)', quote_literal(v_stem),
        quote_literal(case when char_length(v_stem) <= 4 then v_stem else left(v_stem, char_length(v_stem) - 1) end));
    end if;
  end loop;
  if cardinality(v_kept) = 0 then return; end if;
  v_phrase := array_to_string(v_kept, ' ');
  v_query := to_tsquery('simple', array_to_string(v_terms, ' & '));
  return query
    select h.type, h.id, h.score, h.key, h.label from (
      select 'Organisation'::text as type, t.id, (ts_rank(t.search_document, v_query) + word_similarity(v_phrase, t.name))::float8 as score,
             t.business_id::text as key, t.name::text as label
        from organisation t where t.id in (select s.id from organisation s where s.search_document @@ v_query union all select s.id from organisation s where v_phrase <% s.name)
      union all
      select 'Programme', t.id, (ts_rank(t.search_document, v_query) + word_similarity(v_phrase, t.name))::float8, t.code::text, t.name::text
        from programme t where t.id in (select s.id from programme s where s.search_document @@ v_query union all select s.id from programme s where v_phrase <% s.name)
      union all
      select 'Project', t.id, (ts_rank(t.search_document, v_query) + word_similarity(v_phrase, t.title))::float8, t.code::text, t.title::text
        from project t where t.id = any(array(select silta_project_search_candidates(v_query, v_phrase)))
    ) h order by h.score desc, h.type asc, h.id asc;
end $fn$`;

/** Everything PostGraphile exposes for the benchmark: computed columns and root functions. */
export const BENCH_SQL: readonly string[] = [
  `create function project_funding_totals(p project) returns json language sql stable as $$ select ${FUNDING_TOTALS_SQL('p.id')} $$`,
  `create function project_lead_organisation(p project) returns organisation language sql stable as $$ ${LEAD_SQL('p.id')} $$`,
  `create function programme_bench_projects(pr programme, theme_code text, from_date date, to_date date) returns setof project language sql stable as $$
     select t.* from project t
      where ${PROGRAMME_PROJECTS_WHERE('pr.id', 'programme_bench_projects.theme_code', 'programme_bench_projects.from_date', 'programme_bench_projects.to_date')}
      order by t.code $$`,
  `create function bench_projects_by_ids(ids int[]) returns setof project language sql stable as $$
     select t.* from unnest(ids) with ordinality as u(id, n) join project t on t.id = u.id order by u.n $$`,
  `create type bench_search_hit as (type text, id int, score float8, key text, label text)`,
  SEARCH_FUNCTION,
  `comment on function bench_search(text) is 'Silta''s search, ranked: score desc, type, id.'`,
];
