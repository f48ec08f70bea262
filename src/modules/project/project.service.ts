import type { Knex } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../auth/service-context';
import { checkDateRange, checkMunicipalityCode, checkPostalCode, checkVocabularyCode, optionalEntityId } from '../../shared/filters';
import { badUserInput } from '../../shared/errors';
import { checkReferencesExist } from '../../shared/reference-checks';
import { OrderDirection } from '../../shared/relay/connection';
import type { ListSpec, SortKey } from '../../shared/relay/keyset';
import { ProjectOrderField, type ProjectFilter, type ProjectOrder } from './project.inputs';
import { Project } from './project.entity';

/** A project's effective period: actual dates once known, planned ones before. */
export const PROJECT_START_SQL = 'coalesce(t.actual_start, t.planned_start)';
export const PROJECT_END_SQL = "coalesce(t.actual_end, t.planned_end, 'infinity'::date)";

const SORT_KEYS: Record<ProjectOrderField, SortKey> = {
  [ProjectOrderField.TITLE]: { sql: 'lower(t.title)', cast: 'text' },
  [ProjectOrderField.CODE]: { sql: 't.code', cast: 'text' },
  [ProjectOrderField.START_DATE]: { sql: `coalesce(${PROJECT_START_SQL}, '9999-12-31'::date)`, cast: 'date' },
  [ProjectOrderField.GRANTED_AMOUNT]: {
    sql: '(select coalesce(sum(f.granted), 0) from funding_line f where f.project_id = t.id)',
    cast: 'numeric',
  },
};

/** Validates a project filter (BAD_USER_INPUT naming the argument) and turns it into SQL conditions on `project t`. */
export async function projectConditions(
  { em }: ServiceContext,
  filter: ProjectFilter | null | undefined,
  argumentName = 'filter',
): Promise<(qb: Knex.QueryBuilder) => void> {
  // Hidden projects are left out by row-level security, whatever the filter.
  if (!filter) return () => undefined;
  const arg = (name: string): string => `${argumentName}.${name}`;
  const programmeId = optionalEntityId(filter.programme, 'Programme', arg('programme'));
  const organisationId = optionalEntityId(filter.organisation, 'Organisation', arg('organisation'));
  const parentId = optionalEntityId(filter.parent, 'Project', arg('parent'));
  checkVocabularyCode(filter.theme, arg('theme'));
  checkVocabularyCode(filter.targetGroup, arg('targetGroup'));
  checkMunicipalityCode(filter.municipalityCode, arg('municipalityCode'));
  checkPostalCode(filter.postalCode, arg('postalCode'));
  checkDateRange(filter.overlaps, arg('overlaps'));
  if (filter.role != null && organisationId === undefined) {
    throw badUserInput('`role` filters the participations of `organisation`; give `organisation` too', arg('role'));
  }
  if (filter.status && filter.status.length === 0) {
    throw badUserInput('`status` needs at least one status; leave it out for all', arg('status'));
  }
  await checkReferencesExist(em, [
    { table: 'theme', column: 'code', value: filter.theme, argumentName: arg('theme'), label: 'theme code' },
    { table: 'target_group', column: 'code', value: filter.targetGroup, argumentName: arg('targetGroup'), label: 'target-group code' },
    { table: 'municipality', column: 'code', value: filter.municipalityCode, argumentName: arg('municipalityCode'), label: 'municipality code' },
    { table: 'postal_area', column: 'postal_code', value: filter.postalCode, argumentName: arg('postalCode'), label: 'postal code' },
  ]);

  return (qb) => {
    if (filter.scheme) qb.whereRaw('t.programme_id in (select id from programme where scheme = ?)', [filter.scheme]);
    if (programmeId !== undefined) qb.where('t.programme_id', programmeId);
    if (parentId !== undefined) qb.where('t.parent_id', parentId);
    if (filter.status) qb.whereIn('t.status', filter.status);
    if (filter.theme) {
      qb.whereRaw(
        'exists (select 1 from project_theme pt join theme th on th.id = pt.theme_id where pt.project_id = t.id and th.code = ?)',
        [filter.theme],
      );
    }
    if (filter.targetGroup) {
      qb.whereRaw(
        'exists (select 1 from project_target_group ptg join target_group tg on tg.id = ptg.target_group_id where ptg.project_id = t.id and tg.code = ?)',
        [filter.targetGroup],
      );
    }
    if (filter.municipalityCode) {
      qb.whereRaw(
        'exists (select 1 from project_location pl join postal_area pa on pa.postal_code = pl.postal_code where pl.project_id = t.id and pa.municipality_code = ?)',
        [filter.municipalityCode],
      );
    }
    if (filter.postalCode) {
      qb.whereRaw('exists (select 1 from project_location pl where pl.project_id = t.id and pl.postal_code = ?)', [filter.postalCode]);
    }
    if (filter.areaType) {
      qb.whereRaw(
        'exists (select 1 from project_location pl join programme_area pa on pa.postal_code = pl.postal_code where pl.project_id = t.id and pa.area_type = ?)',
        [filter.areaType],
      );
    }
    if (organisationId !== undefined) {
      if (filter.role) {
        qb.whereRaw('exists (select 1 from participation p where p.project_id = t.id and p.organisation_id = ? and p.role = ?)', [
          organisationId,
          filter.role,
        ]);
      } else {
        qb.whereRaw('exists (select 1 from participation p where p.project_id = t.id and p.organisation_id = ?)', [organisationId]);
      }
    }
    if (filter.activeOn) {
      qb.whereRaw(`${PROJECT_START_SQL} <= ?::date and ${PROJECT_END_SQL} >= ?::date`, [filter.activeOn, filter.activeOn]);
    }
    if (filter.overlaps) {
      qb.whereRaw(`${PROJECT_START_SQL} <= ?::date and ${PROJECT_END_SQL} >= ?::date`, [filter.overlaps.end, filter.overlaps.start]);
    }
  };
}

export async function projectListSpec(
  ctx: ServiceContext,
  filter: ProjectFilter | null | undefined,
  order: ProjectOrder | null | undefined,
  argumentName = 'filter',
): Promise<ListSpec<Project>> {
  return {
    entity: Project,
    table: 'project',
    keyColumn: 'id',
    sort: SORT_KEYS[order?.field ?? ProjectOrderField.TITLE],
    direction: order?.direction ?? OrderDirection.ASC,
    where: await projectConditions(ctx, filter, argumentName),
  };
}
