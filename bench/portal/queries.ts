import { FUNDING_TOTALS_SQL, PROGRAMME_PROJECTS_WHERE } from './sql';

/** A GraphQL answer as parsed JSON: its shape is checked by comparing the three answers, not by types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = any;

/** What the benchmark picked from the generated data for its queries. */
export interface QueryParams {
  /** An organisation with about 100 visible participations (at most 100: Silta's largest page). */
  organisation: { businessId: string; participations: number };
  /** A programme, a theme and a year whose filtered project list is a full page or close. */
  programme: { code: string; theme: string; from: string; to: string };
  searchText: string;
  /** Projects for `nodes(ids:)`: database IDs and the same as Silta's global IDs. */
  projectIds: number[];
  nodeIds: string[];
}

/** One request as each target receives it. */
export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown>;
}

export interface FloorRequest {
  sql: string;
  params: unknown[];
}

/**
 * A portal query written three times, and how each answer becomes the same plain structure (IDs as
 * codes, amounts as strings, the same ordering) for the equality check.
 */
export interface PortalQuery {
  id: string;
  title: string;
  /** Served to the anonymous reader (and so from Silta's response cache when it is on). */
  anonymous: boolean;
  silta: GraphqlRequest;
  postgraphile: GraphqlRequest;
  floor: FloorRequest;
  fromSilta(data: Json): unknown;
  fromPostgraphile(data: Json): unknown;
}

type Obj = Record<string, Json>;

const orgOf = (o: Obj | null): Obj | null => (o ? { name: o.name, businessId: o.businessId ?? null } : null);
const programmeOf = (p: Obj): Obj => ({ code: p.code, name: p.name });
const totalsOf = (t: Obj): Obj => ({
  planned: t.planned,
  granted: t.granted,
  paid: t.paid,
  bySource: t.bySource.map((s: Obj) => ({ source: s.source, planned: s.planned, granted: s.granted, paid: s.paid })),
});

const SILTA_PAGE = `query($first: Int!) { projects(first: $first, orderBy: { field: CODE, direction: DESC }) { nodes { code title status
  leadOrganisation { name businessId } programme { code name }
  fundingTotals { planned granted paid bySource { source planned granted paid } } } } }`;
const POSTGRAPHILE_PAGE = `query($first: Int!) { allProjects(first: $first, orderBy: CODE_DESC) { nodes { code title status
  leadOrganisation { name businessId } programmeByProgrammeId { code name } fundingTotals } } }`;
const FLOOR_PAGE = `select coalesce(json_agg(json_build_object(
    'code', t.code, 'title', t.title, 'status', t.status, 'lead', l.lead,
    'programme', json_build_object('code', pr.code, 'name', pr.name), 'totals', ft.totals) order by t.code desc), '[]'::json)::text as body
  from (select * from project order by code desc limit $1) t
  join programme pr on pr.id = t.programme_id
  left join lateral (select json_build_object('name', o.name, 'businessId', o.business_id) as lead
                       from participation x join organisation o on o.id = x.organisation_id
                      where x.project_id = t.id and x.role = 'LEAD' order by x.id limit 1) l on true
  cross join lateral (select ${FUNDING_TOTALS_SQL('t.id')} as totals) ft`;

/** Query 1 (and 6 with a partner's credentials): the newest page of projects (by code, descending) with lead, programme and totals by source. */
export function projectPage(id: string, title: string, first: number, anonymous: boolean): PortalQuery {
  const row = (n: Obj, programme: Obj): Obj => ({
    code: n.code,
    title: n.title,
    status: n.status,
    lead: orgOf(n.leadOrganisation),
    programme: programmeOf(programme),
    totals: totalsOf(n.fundingTotals),
  });
  return {
    id,
    title,
    anonymous,
    silta: { query: SILTA_PAGE, variables: { first } },
    postgraphile: { query: POSTGRAPHILE_PAGE, variables: { first } },
    floor: { sql: FLOOR_PAGE, params: [first] },
    fromSilta: (data) => data.projects.nodes.map((n: Obj) => row(n, n.programme)),
    fromPostgraphile: (data) => data.allProjects.nodes.map((n: Obj) => row(n, n.programmeByProgrammeId)),
  };
}

export function portalQueries(p: QueryParams): PortalQuery[] {
  const participationLimit = 100;
  return [
    projectPage('q1', 'projects page of 50 + lead, programme, totals by source', 50, true),
    {
      id: 'q2',
      title: `organisation with ${p.organisation.participations} participations, their projects and programmes`,
      anonymous: true,
      silta: {
        query: `query($b: String!, $n: Int!) { organisation(businessId: $b) { name businessId participations(first: $n) { totalCount
          nodes { role project { code title status programme { code name } } } } } }`,
        variables: { b: p.organisation.businessId, n: participationLimit },
      },
      postgraphile: {
        query: `query($b: String!, $n: Int!) { organisationByBusinessId(businessId: $b) { name businessId
          participationsByOrganisationId(first: $n, orderBy: PRIMARY_KEY_ASC) { totalCount
          nodes { role projectByProjectId { code title status programmeByProgrammeId { code name } } } } } }`,
        variables: { b: p.organisation.businessId, n: participationLimit },
      },
      floor: {
        sql: `select json_build_object('name', o.name, 'businessId', o.business_id,
            'totalCount', (select count(*) from participation x where x.organisation_id = o.id),
            'participations', coalesce((
              select json_agg(json_build_object('role', x.role, 'project', json_build_object('code', t.code, 'title', t.title, 'status', t.status,
                       'programme', json_build_object('code', pr.code, 'name', pr.name))) order by x.id)
                from (select * from participation where organisation_id = o.id order by id limit $2) x
                join project t on t.id = x.project_id join programme pr on pr.id = t.programme_id), '[]'::json))::text as body
          from organisation o where o.business_id = $1`,
        params: [p.organisation.businessId, participationLimit],
      },
      fromSilta: ({ organisation: o }) => ({
        name: o.name,
        businessId: o.businessId,
        totalCount: o.participations.totalCount,
        participations: o.participations.nodes.map((x: Obj) => ({
          role: x.role,
          project: { code: x.project.code, title: x.project.title, status: x.project.status, programme: programmeOf(x.project.programme) },
        })),
      }),
      fromPostgraphile: ({ organisationByBusinessId: o }) => ({
        name: o.name,
        businessId: o.businessId,
        totalCount: o.participationsByOrganisationId.totalCount,
        participations: o.participationsByOrganisationId.nodes.map((x: Obj) => ({
          role: x.role,
          project: {
            code: x.projectByProjectId.code,
            title: x.projectByProjectId.title,
            status: x.projectByProjectId.status,
            programme: programmeOf(x.projectByProjectId.programmeByProgrammeId),
          },
        })),
      }),
    },
    {
      id: 'q3',
      title: `programme's projects by theme and year, 2 levels deep`,
      anonymous: true,
      silta: {
        query: `query($code: String!, $theme: String!, $from: LocalDate!, $to: LocalDate!) { programme(code: $code) { code name
          projects(first: 50, orderBy: { field: CODE }, filter: { theme: $theme, overlaps: { start: $from, end: $to } }) { totalCount
          nodes { code title status participations(first: 10) { nodes { role organisation { name businessId } } } } } } }`,
        variables: { code: p.programme.code, theme: p.programme.theme, from: p.programme.from, to: p.programme.to },
      },
      postgraphile: {
        query: `query($code: String!, $theme: String!, $from: Date!, $to: Date!) { programmeByCode(code: $code) { code name
          benchProjects(themeCode: $theme, fromDate: $from, toDate: $to, first: 50) { totalCount
          nodes { code title status participationsByProjectId(first: 10, orderBy: PRIMARY_KEY_ASC) { nodes { role organisationByOrganisationId { name businessId } } } } } } }`,
        variables: { code: p.programme.code, theme: p.programme.theme, from: p.programme.from, to: p.programme.to },
      },
      floor: {
        sql: `select json_build_object('code', pr.code, 'name', pr.name,
            'totalCount', (select count(*) from project t where ${PROGRAMME_PROJECTS_WHERE('pr.id', '$2', '$3', '$4')}),
            'projects', coalesce((
              select json_agg(json_build_object('code', t.code, 'title', t.title, 'status', t.status, 'participations', px.list) order by t.code)
                from (select t.* from project t where ${PROGRAMME_PROJECTS_WHERE('pr.id', '$2', '$3', '$4')} order by t.code limit 50) t
                cross join lateral (select coalesce(json_agg(json_build_object('role', x.role,
                                      'organisation', json_build_object('name', o.name, 'businessId', o.business_id)) order by x.id), '[]'::json) as list
                                      from (select * from participation where project_id = t.id order by id limit 10) x
                                      join organisation o on o.id = x.organisation_id) px), '[]'::json))::text as body
          from programme pr where pr.code = $1`,
        params: [p.programme.code, p.programme.theme, p.programme.from, p.programme.to],
      },
      fromSilta: ({ programme: g }) => ({
        code: g.code,
        name: g.name,
        totalCount: g.projects.totalCount,
        projects: g.projects.nodes.map((t: Obj) => ({
          code: t.code,
          title: t.title,
          status: t.status,
          participations: t.participations.nodes.map((x: Obj) => ({ role: x.role, organisation: orgOf(x.organisation) })),
        })),
      }),
      fromPostgraphile: ({ programmeByCode: g }) => ({
        code: g.code,
        name: g.name,
        totalCount: g.benchProjects.totalCount,
        projects: g.benchProjects.nodes.map((t: Obj) => ({
          code: t.code,
          title: t.title,
          status: t.status,
          participations: t.participationsByProjectId.nodes.map((x: Obj) => ({ role: x.role, organisation: orgOf(x.organisationByOrganisationId) })),
        })),
      }),
    },
    {
      id: 'q4',
      title: `search "${p.searchText}", first 20`,
      anonymous: true,
      silta: {
        query: `query($q: String!) { search(query: $q, first: 20) { totalCount edges { score node { __typename
          ... on Project { code title } ... on Organisation { businessId name } ... on Programme { code name } } } } }`,
        variables: { q: p.searchText },
      },
      postgraphile: {
        query: `query($q: String!) { benchSearch(q: $q, first: 20) { totalCount nodes { type key label score } } }`,
        variables: { q: p.searchText },
      },
      floor: {
        // The search runs once (a CTE used twice is computed once) for both the count and the page.
        sql: `with hits as (select * from bench_search($1))
          select json_build_object('totalCount', (select count(*) from hits),
            'hits', coalesce((select json_agg(json_build_object('type', h.type, 'key', h.key, 'label', h.label, 'score', h.score))
                                from (select * from hits limit 20) h), '[]'::json))::text as body`,
        params: [p.searchText],
      },
      fromSilta: ({ search }) => ({
        totalCount: search.totalCount,
        hits: search.edges.map((e: Obj) => ({
          type: e.node.__typename,
          key: e.node.__typename === 'Organisation' ? (e.node.businessId ?? null) : e.node.code,
          label: e.node.__typename === 'Project' ? e.node.title : e.node.name,
          score: e.score,
        })),
      }),
      fromPostgraphile: ({ benchSearch }) => ({ totalCount: benchSearch.totalCount, hits: benchSearch.nodes }),
    },
    {
      id: 'q5',
      title: `nodes(ids:) with ${p.nodeIds.length} project IDs`,
      anonymous: true,
      silta: {
        query: `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Project { code title status programme { code name } } } }`,
        variables: { ids: p.nodeIds },
      },
      postgraphile: {
        query: `query($ids: [Int]!) { benchProjectsByIds(ids: $ids) { nodes { code title status programmeByProgrammeId { code name } } } }`,
        variables: { ids: p.projectIds },
      },
      floor: {
        sql: `select coalesce(json_agg(json_build_object('code', t.code, 'title', t.title, 'status', t.status,
            'programme', json_build_object('code', pr.code, 'name', pr.name)) order by u.n), '[]'::json)::text as body
          from unnest($1::int[]) with ordinality as u(id, n) join project t on t.id = u.id join programme pr on pr.id = t.programme_id`,
        params: [p.projectIds],
      },
      fromSilta: ({ nodes }) => nodes.map((t: Obj) => ({ code: t.code, title: t.title, status: t.status, programme: programmeOf(t.programme) })),
      fromPostgraphile: ({ benchProjectsByIds }) =>
        benchProjectsByIds.nodes.map((t: Obj) => ({ code: t.code, title: t.title, status: t.status, programme: programmeOf(t.programmeByProgrammeId) })),
    },
    projectPage('q6', 'q1 for a signed-in partner (sees its own drafts)', 50, false),
  ];
}

/** The same structure everywhere: scores to four decimals as Silta sends them (search.resolver.ts), counts as strings. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Obj).map(([key, v]) => [key, key === 'score' ? (Math.round(Number(v) * 10_000) / 10_000).toFixed(4) : key === 'totalCount' ? String(v) : canonical(v)]));
  }
  return value;
}
