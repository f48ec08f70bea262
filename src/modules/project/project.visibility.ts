import type { Knex } from '@mikro-orm/postgresql';
import { seesAllProjects, type Viewer } from '../auth/viewer';

/**
 * Draft and rejected projects are visible only to their own organisations (any participant), the
 * programme's coordinators, analysts and admins. This SQL condition is applied wherever projects
 * are reached (lists, loaders, search, totals and the lists that lead to projects), so that no path,
 * `totalCount` included, shows a hidden project. Null when the viewer sees every project.
 */
export function projectVisibleSql(viewer: Viewer, alias: string): { sql: string; bindings: Knex.Value[] } | null {
  if (seesAllProjects(viewer)) return null;
  const parts = [`${alias}.status not in ('DRAFT', 'REJECTED')`];
  const bindings: Knex.Value[] = [];
  // PostgreSQL array literals: the same binding works through knex and MikroORM's execute().
  // Anonymous viewers and plain partners get the shorter condition (no needless subquery).
  if (viewer.coordinatedProgrammeIds.length > 0) {
    parts.push(`${alias}.programme_id = any(?::int[])`);
    bindings.push(`{${viewer.coordinatedProgrammeIds.join(',')}}`);
  }
  if (viewer.organisationIds.length > 0) {
    parts.push(`exists (select 1 from participation vp where vp.project_id = ${alias}.id and vp.organisation_id = any(?::int[]))`);
    bindings.push(`{${viewer.organisationIds.join(',')}}`);
  }
  return { sql: `(${parts.join(' or ')})`, bindings };
}

/** Adds the visibility condition on projects aliased `alias` to a query. */
export function whereProjectVisible(qb: Knex.QueryBuilder, viewer: Viewer, alias: string): void {
  const visible = projectVisibleSql(viewer, alias);
  if (visible) qb.whereRaw(visible.sql, visible.bindings);
}

/** The same condition inline, for hand-written SQL: `exists (select 1 from project p where … and <this>)`. */
export function projectVisibleInline(viewer: Viewer, alias: string): { sql: string; bindings: Knex.Value[] } {
  return projectVisibleSql(viewer, alias) ?? { sql: 'true', bindings: [] };
}
