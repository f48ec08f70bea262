import type { EntityDictionary } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Organisation } from '../organisation/organisation.entity';
import { ParticipationRole } from './project.enums';

/** The lead organisation of each project, joined in one statement (the first LEAD if there were several). */
export function leadOrganisationLoader(em: EntityManager): DataLoader<number, Organisation | null> {
  return new DataLoader<number, Organisation | null>(async (projectIds) => {
    const rows = await em
      .getKnex()
      .select('o.*', 'p.project_id as __project')
      .from({ o: 'organisation' })
      .join({ p: 'participation' }, 'p.organisation_id', 'o.id')
      .where('p.role', ParticipationRole.LEAD)
      .whereRaw('p.project_id = any(?)', [[...projectIds]])
      .orderBy('p.id');
    const leads = new Map<number, Organisation>();
    for (const { __project: projectId, ...row } of rows as (Record<string, unknown> & { __project: number })[]) {
      if (!leads.has(projectId)) leads.set(projectId, em.map(Organisation, row as EntityDictionary<Organisation>));
    }
    return projectIds.map((id) => leads.get(id) ?? null);
  });
}
