import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Organisation } from '../organisation/organisation.entity';
import { ParticipationRole } from './project.enums';
import { Project } from './project.entity';
import { plainRow, rowColumns } from '../../shared/db/plain-rows';
import { knexOf } from '../../shared/db/session';
import { childrenLoader, defineLoader, entityLoader } from '../../shared/loaders';
import { Participation } from './participation.entity';
import { ProjectLocation, ProjectTargetGroup, ProjectTheme } from './project.entity';
import { TargetGroup, Theme } from './vocabulary.entity';

/**
 * Projects by ID or by code. Row-level security leaves out those the viewer may not see, as if they
 * did not exist.
 */
export function visibleProjectLoader(em: EntityManager, column: 'id' | 'code'): DataLoader<number | string, Project | null> {
  return new DataLoader<number | string, Project | null>(async (keys) => {
    const qb = knexOf(em).select(rowColumns(em, Project, 't')).from({ t: 'project' }).whereRaw(`t.${column} = any(?)`, [[...keys] as unknown as Knex.Value]);
    const rows = (await qb) as Record<string, unknown>[];
    const byKey = new Map(rows.map((row) => [String(row[column as keyof typeof row]), plainRow(em, Project, row)]));
    return keys.map((key) => byKey.get(String(key)) ?? null);
  });
}

/** The lead organisation of each project, joined in one statement (the first LEAD if there were several). */
export function leadOrganisationLoader(em: EntityManager): DataLoader<number, Organisation | null> {
  return new DataLoader<number, Organisation | null>(async (projectIds) => {
    const rows = await knexOf(em)
      .select(...rowColumns(em, Organisation, 'o'), 'p.project_id as __project')
      .from({ o: 'organisation' })
      .join({ p: 'participation' }, 'p.organisation_id', 'o.id')
      .where('p.role', ParticipationRole.LEAD)
      .whereRaw('p.project_id = any(?)', [[...projectIds]])
      .orderBy('p.id');
    const leads = new Map<number, Organisation>();
    for (const { __project: projectId, ...row } of rows as (Record<string, unknown> & { __project: number })[]) {
      if (!leads.has(projectId)) leads.set(projectId, plainRow(em, Organisation, row));
    }
    return projectIds.map((id) => leads.get(id) ?? null);
  });
}

/** Rows that belong to a project (participations, funding lines) by ID; row-level security hides those of hidden projects. */
export function projectChildLoader<T extends object>(em: EntityManager, entity: EntityClass<T>, table: string): DataLoader<number, T | null> {
  return new DataLoader<number, T | null>(async (ids) => {
    const qb = knexOf(em)
      .select(rowColumns(em, entity, 'c'))
      .from({ c: table })
      .whereRaw('c.id = any(?)', [[...ids] as unknown as Knex.Value]);
    const rows = (await qb) as (Record<string, unknown> & { id: number })[];
    const byId = new Map(rows.map((row) => [Number(row.id), plainRow(em, entity, row)]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Per-request loaders of the project module (see `defineLoader`). */
export const projectsById = defineLoader('projectsById', (em) => visibleProjectLoader(em, 'id') as DataLoader<number, Project | null>);
export const projectsByCode = defineLoader('projectsByCode', (em) => visibleProjectLoader(em, 'code') as DataLoader<string, Project | null>);
export const participationsById = defineLoader('participationsById', (em) => projectChildLoader(em, Participation, 'participation'));
export const themesById = defineLoader('themesById', (em) => entityLoader(em, Theme, 'id'));
export const targetGroupsById = defineLoader('targetGroupsById', (em) => entityLoader(em, TargetGroup, 'id'));
export const themesByProjectId = defineLoader('themesByProjectId', (em) =>
  childrenLoader(em, ProjectTheme, 'project', { theme: { code: 'asc' } } as never, ['theme']),
);
export const targetGroupsByProjectId = defineLoader('targetGroupsByProjectId', (em) =>
  childrenLoader(em, ProjectTargetGroup, 'project', { targetGroup: { code: 'asc' } } as never, ['targetGroup']),
);
export const locationsByProjectId = defineLoader('locationsByProjectId', (em) => childrenLoader(em, ProjectLocation, 'project', { postalArea: 'asc' }, ['postalArea']));
export const leadOrganisationsByProjectId = defineLoader('leadOrganisationsByProjectId', (em) => leadOrganisationLoader(em));
