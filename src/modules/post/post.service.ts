import type { EntityDictionary } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { badUserInput } from '../../shared/errors';
import { knexOf } from '../../shared/db/session';
import { checkPostalCode, checkVocabularyCode, optionalEntityId } from '../../shared/filters';
import { OrderDirection } from '../../shared/relay/connection';
import type { ListSpec } from '../../shared/relay/keyset';
import { Organisation } from '../organisation/organisation.entity';
import { todayInFinland } from '../project/project.validation';
import { PostKind, PostStatus } from './post.enums';
import { Post, PostArea, PostTheme } from './post.entity';
import type { PostFilter } from './post.inputs';
import { otherSide, scoreMatch, type MatchFeatures, type MatchScore } from './post.matching';

/**
 * Reads of posts. Every statement runs as the viewer: row-level security leaves out the posts (and
 * projects, participations, locations) the viewer may not see, so lists, counts and matching agree.
 */

/** The schemes on whose side a post (alias `t`) is: its programme's or project's, else its author's. */
export const POST_SCHEMES_SQL = `array(select distinct g.scheme::text from programme g
  where g.id = t.programme_id or g.id = (select j.programme_id from project j where j.id = t.project_id)
     or (t.programme_id is null and t.project_id is null
         and g.id in (select j.programme_id from participation x join project j on j.id = x.project_id where x.organisation_id = t.organisation_id)))`;

const MAX_FILTER_VALUES = 100;

function ids(values: readonly string[] | null | undefined, type: string, argumentName: string): number[] | undefined {
  if (values == null) return undefined;
  if (values.length > MAX_FILTER_VALUES) throw badUserInput(`At most ${MAX_FILTER_VALUES} values`, argumentName);
  return values.map((value, index) => optionalEntityId(value, type, `${argumentName}[${index}]`)!);
}

function nonEmpty<T>(values: readonly T[] | null | undefined, argumentName: string): void {
  if (values && values.length === 0) throw badUserInput(`\`${argumentName}\` needs at least one value; leave it out for all`, argumentName);
  if (values && values.length > MAX_FILTER_VALUES) throw badUserInput(`At most ${MAX_FILTER_VALUES} values`, argumentName);
}

/** Validates a post filter (BAD_USER_INPUT naming the argument) and turns it into SQL on `post t`. */
export function postConditions(filter: PostFilter | null | undefined, argumentName = 'filter'): (qb: Knex.QueryBuilder) => void {
  const arg = (name: string): string => `${argumentName}.${name}`;
  for (const key of ['kinds', 'schemes', 'programmes', 'organisations', 'themes', 'postalCodes', 'status'] as const) nonEmpty(filter?.[key], arg(key));
  const programmeIds = ids(filter?.programmes, 'Programme', arg('programmes'));
  const organisationIds = ids(filter?.organisations, 'Organisation', arg('organisations'));
  filter?.themes?.forEach((code, index) => checkVocabularyCode(code, `${arg('themes')}[${index}]`));
  filter?.postalCodes?.forEach((code, index) => checkPostalCode(code, `${arg('postalCodes')}[${index}]`));
  const status = filter?.status ?? [PostStatus.PUBLISHED];
  return (qb) => {
    qb.whereIn('t.status', status);
    if (filter?.kinds) qb.whereIn('t.kind', filter.kinds);
    if (filter?.schemes) qb.whereRaw(`${POST_SCHEMES_SQL} && ?::text[]`, [filter.schemes as unknown as Knex.Value]);
    if (programmeIds) {
      qb.whereRaw('(t.programme_id = any(?) or t.project_id in (select j.id from project j where j.programme_id = any(?)))', [
        programmeIds as unknown as Knex.Value,
        programmeIds as unknown as Knex.Value,
      ]);
    }
    if (organisationIds) qb.whereRaw('t.organisation_id = any(?)', [organisationIds as unknown as Knex.Value]);
    if (filter?.themes) {
      qb.whereRaw('exists (select 1 from post_theme pt join theme th on th.id = pt.theme_id where pt.post_id = t.id and th.code = any(?))', [
        filter.themes as unknown as Knex.Value,
      ]);
    }
    if (filter?.postalCodes) {
      const codes = filter.postalCodes as unknown as Knex.Value;
      qb.whereRaw(
        `(t.postal_code = any(?::bpchar[]) or exists (select 1 from post_area pa where pa.post_id = t.id and pa.postal_code = any(?::bpchar[]))
          or exists (select 1 from project_location pl where pl.project_id = t.project_id and pl.postal_code = any(?::bpchar[])))`,
        [codes, codes, codes],
      );
    }
    if (filter?.openOn) {
      const day = filter.openOn;
      qb.whereRaw(
        `((t.kind = 'EVENT' and (t.starts_at at time zone 'Europe/Helsinki')::date <= ?::date
                            and (coalesce(t.ends_at, t.starts_at) at time zone 'Europe/Helsinki')::date >= ?::date)
          or (t.kind = 'PARTNER_SEARCH' and t.closes_on >= ?::date)
          or (t.kind = 'CALL' and t.opens_on <= ?::date and t.closes_on >= ?::date))`,
        [day, day, day, day, day],
      );
    }
  };
}

/** Posts, newest first (the key breaks no ties: it is the order itself). */
export function postListSpec(filter: PostFilter | null | undefined, argumentName = 'filter'): ListSpec<Post> {
  return {
    entity: Post,
    table: 'post',
    keyColumn: 'id',
    sort: { sql: 't.id', cast: 'integer' },
    direction: OrderDirection.DESC,
    where: postConditions(filter, argumentName),
  };
}

/** Theme and area rows of many posts in one statement each (row-level security as for the post). */
export function postThemesLoader(em: EntityManager): DataLoader<number, PostTheme[]> {
  return new DataLoader(async (postIds) => {
    const rows = await em.find(PostTheme, { post: { $in: [...postIds] } }, { populate: ['theme'], orderBy: { theme: { code: 'asc' } } as never });
    return postIds.map((id) => rows.filter((row) => row.post.id === id));
  });
}

export function postAreasLoader(em: EntityManager): DataLoader<number, PostArea[]> {
  return new DataLoader(async (postIds) => {
    const rows = await em.find(PostArea, { post: { $in: [...postIds] } }, { populate: ['postalArea'], orderBy: { postalArea: 'asc' } });
    return postIds.map((id) => rows.filter((row) => row.post.id === id));
  });
}

interface FeatureRow {
  post_id: number;
  organisation_id: number;
  post_themes: number;
  shared_themes: string[];
  shared_postal_codes: string[];
  shared_municipalities: string[];
  projects_together: number;
}

/**
 * The matching features of (post, organisation) pairs that `pairs` (SQL with `post_id`,
 * `organisation_id`) selects, in one statement, as the viewer.
 */
async function matchFeatures(em: EntityManager, pairs: string, bindings: unknown[]): Promise<FeatureRow[]> {
  const result = await knexOf(em).raw(
    `with pairs as materialized (${pairs}),
     post_codes as (
       select s.id as post_id, c.postal_code from post s
         cross join lateral (select pa.postal_code from post_area pa where pa.post_id = s.id
                             union select s.postal_code where s.postal_code is not null
                             union select pl.postal_code from project_location pl where pl.project_id = s.project_id) c
        where s.id in (select post_id from pairs)),
     org_codes as (
       select o.id as organisation_id, c.postal_code from organisation o
         cross join lateral (select pl.postal_code from participation x join project_location pl on pl.project_id = x.project_id
                              where x.organisation_id = o.id
                             union select o.postal_code where o.postal_code is not null) c
        where o.id in (select organisation_id from pairs)),
     post_municipalities as (select distinct pc.post_id, a.municipality_code from post_codes pc join postal_area a on a.postal_code = pc.postal_code),
     org_municipalities as (select distinct oc.organisation_id, a.municipality_code from org_codes oc join postal_area a on a.postal_code = oc.postal_code),
     org_themes as (select distinct x.organisation_id, pt.theme_id from participation x join project_theme pt on pt.project_id = x.project_id
                     where x.organisation_id in (select organisation_id from pairs))
     select pr.post_id, pr.organisation_id,
            (select count(*) from post_theme where post_id = pr.post_id)::int as post_themes,
            array(select th.code::text from post_theme pt join org_themes ot on ot.theme_id = pt.theme_id and ot.organisation_id = pr.organisation_id
                    join theme th on th.id = pt.theme_id where pt.post_id = pr.post_id order by th.code) as shared_themes,
            array(select distinct pc.postal_code::text from post_codes pc join org_codes oc on oc.postal_code = pc.postal_code
                   where pc.post_id = pr.post_id and oc.organisation_id = pr.organisation_id order by 1) as shared_postal_codes,
            array(select m.name_fi::text from post_municipalities pm join org_municipalities om on om.municipality_code = pm.municipality_code
                    join municipality m on m.code = pm.municipality_code
                   where pm.post_id = pr.post_id and om.organisation_id = pr.organisation_id order by 1) as shared_municipalities,
            (select count(distinct x.project_id) from participation x join participation y on y.project_id = x.project_id
               join post s on s.id = pr.post_id where x.organisation_id = pr.organisation_id and y.organisation_id = s.organisation_id)::int as projects_together
       from pairs pr`,
    bindings as Knex.RawBinding[],
  );
  return (result as { rows: FeatureRow[] }).rows;
}

function features(row: FeatureRow): MatchFeatures {
  return {
    postThemes: row.post_themes,
    sharedThemes: row.shared_themes,
    sharedPostalCodes: row.shared_postal_codes,
    sharedMunicipalities: row.shared_municipalities,
    projectsTogether: row.projects_together,
  };
}

function ranked<T>(rows: { item: T; match: MatchScore; tie: number }[], first: number): (MatchScore & { item: T })[] {
  return rows
    .filter((row) => row.match.score > 0)
    .sort((a, b) => b.match.score - a.match.score || a.tie - b.tie)
    .slice(0, first)
    .map((row) => ({ item: row.item, ...row.match }));
}

async function schemesOfPost(em: EntityManager, postId: number): Promise<string[]> {
  const [row] = await em.execute<{ schemes: string[] }[]>(`select ${POST_SCHEMES_SQL} as schemes from post t where t.id = ?`, [postId]);
  return row?.schemes ?? [];
}

/**
 * Organisations across the divide for a partner search: those taking part in (visible) projects of
 * the other scheme, ranked by shared themes, shared areas and past cooperation with the author.
 */
export async function matchingOrganisations(em: EntityManager, post: Post, first: number): Promise<(MatchScore & { item: Organisation })[]> {
  if (post.kind !== PostKind.PARTNER_SEARCH) return [];
  const other = otherSide(await schemesOfPost(em, post.id));
  const rows = await matchFeatures(
    em,
    `select distinct ?::int as post_id, x.organisation_id from participation x join project j on j.id = x.project_id
       join programme g on g.id = j.programme_id where g.scheme::text = any(?) and x.organisation_id <> ?`,
    [post.id, other, post.organisation.id],
  );
  const organisations = await em.find(Organisation, { id: { $in: [...rows.map((row) => row.organisation_id), post.organisation.id] } });
  const byId = new Map(organisations.map((organisation) => [organisation.id, organisation]));
  const author = byId.get(post.organisation.id)?.name ?? 'the author';
  return ranked(
    rows.map((row) => ({ item: byId.get(row.organisation_id)!, match: scoreMatch(features(row), author), tie: row.organisation_id })),
    first,
  );
}

/** Open partner searches (closing today or later) from across the divide that fit the organisation. */
export async function matchingPartnerSearches(em: EntityManager, organisationId: number, first: number): Promise<(MatchScore & { item: Post })[]> {
  const [side] = await em.execute<{ schemes: string[] }[]>(
    `select array(select distinct g.scheme::text from participation x join project j on j.id = x.project_id
                   join programme g on g.id = j.programme_id where x.organisation_id = ?) as schemes`,
    [organisationId],
  );
  const rows = await matchFeatures(
    em,
    `select t.id as post_id, ?::int as organisation_id from post t
      where t.kind = 'PARTNER_SEARCH' and t.status = 'PUBLISHED' and t.closes_on >= ?::date and t.organisation_id <> ?
        and ${POST_SCHEMES_SQL} && ?::text[]`,
    [organisationId, todayInFinland(), organisationId, otherSide(side.schemes)],
  );
  if (rows.length === 0) return [];
  const posts = await em.find(Post, { id: { $in: rows.map((row) => row.post_id) } });
  const byId = new Map(posts.map((post) => [post.id, post]));
  const authors = new Map((await em.find(Organisation, { id: { $in: posts.map((post) => post.organisation.id) } })).map((o) => [o.id, o.name]));
  return ranked(
    rows.map((row) => {
      const post = byId.get(row.post_id)!;
      return { item: post, match: scoreMatch(features(row), authors.get(post.organisation.id) ?? 'the author'), tie: -row.post_id };
    }),
    first,
  );
}

/** A post by key as the viewer sees it (null when hidden), for loaders. */
export function visiblePostLoader(em: EntityManager): DataLoader<number, Post | null> {
  return new DataLoader(async (keys) => {
    const rows = (await knexOf(em).select('t.*').from({ t: 'post' }).whereRaw('t.id = any(?)', [[...keys] as unknown as Knex.Value])) as EntityDictionary<Post>[];
    const byId = new Map(rows.map((row) => [Number(row.id), em.map(Post, row)]));
    return keys.map((key) => byId.get(key) ?? null);
  });
}
