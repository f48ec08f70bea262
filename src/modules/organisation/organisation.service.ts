import type { EntityManager } from '@mikro-orm/postgresql';
import { badUserInput } from '../../shared/errors';
import { checkMunicipalityCode, checkPostalCode, optionalEntityId } from '../../shared/filters';
import { checkReferencesExist } from '../../shared/reference-checks';
import { OrderDirection } from '../../shared/relay/connection';
import type { ListSpec, SortKey } from '../../shared/relay/keyset';
import { Organisation } from './organisation.entity';
import { OrganisationOrderField, type OrganisationFilter, type OrganisationOrder } from './organisation.inputs';

const SORT_KEYS: Record<OrganisationOrderField, SortKey> = {
  [OrganisationOrderField.NAME]: { sql: 'lower(t.name)', cast: 'text' },
  [OrganisationOrderField.CREATED]: { sql: 't.id', cast: 'integer' },
  [OrganisationOrderField.GRANTED_AMOUNT]: {
    // Written with = any(array(…)) so that PostgreSQL probes funding_line's project index per
    // organisation instead of hashing the whole table for each one (176 ms → 12 ms at 15 000 lines).
    sql: `(select coalesce(sum(f.granted), 0) from funding_line f
           where f.project_id = any(array(select p.project_id from participation p where p.organisation_id = t.id and p.role = 'LEAD')))`,
    cast: 'numeric',
  },
};

export async function organisationListSpec(
  em: EntityManager,
  filter: OrganisationFilter | null | undefined,
  order: OrganisationOrder | null | undefined,
): Promise<ListSpec<Organisation>> {
  const programmeId = optionalEntityId(filter?.programme, 'Programme', 'filter.programme');
  const projectId = optionalEntityId(filter?.project, 'Project', 'filter.project');
  checkMunicipalityCode(filter?.municipalityCode, 'filter.municipalityCode');
  checkPostalCode(filter?.postalCode, 'filter.postalCode');
  if (filter?.type && filter.type.length === 0) {
    throw badUserInput('`type` needs at least one type; leave it out for all', 'filter.type');
  }
  await checkReferencesExist(em, [
    { table: 'municipality', column: 'code', value: filter?.municipalityCode, argumentName: 'filter.municipalityCode', label: 'municipality code' },
    { table: 'postal_area', column: 'postal_code', value: filter?.postalCode, argumentName: 'filter.postalCode', label: 'postal code' },
  ]);
  return {
    entity: Organisation,
    table: 'organisation',
    keyColumn: 'id',
    sort: SORT_KEYS[order?.field ?? OrganisationOrderField.NAME],
    direction: order?.direction ?? OrderDirection.ASC,
    where: filter
      ? (qb) => {
          if (filter.type) qb.whereIn('t.type', filter.type);
          if (filter.scheme) {
            qb.whereRaw(
              `(exists (select 1 from participation pa join project p on p.id = pa.project_id join programme g on g.id = p.programme_id
                        where pa.organisation_id = t.id and g.scheme = ?)
                or exists (select 1 from programme g where g.administering_organisation_id = t.id and g.scheme = ?)
                or exists (select 1 from programme_funder pf join programme g on g.id = pf.programme_id where pf.organisation_id = t.id and g.scheme = ?))`,
              [filter.scheme, filter.scheme, filter.scheme],
            );
          }
          if (programmeId !== undefined) {
            qb.whereRaw(
              `(exists (select 1 from participation pa join project p on p.id = pa.project_id where pa.organisation_id = t.id and p.programme_id = ?)
                or exists (select 1 from programme g where g.administering_organisation_id = t.id and g.id = ?)
                or exists (select 1 from programme_funder pf where pf.organisation_id = t.id and pf.programme_id = ?))`,
              [programmeId, programmeId, programmeId],
            );
          }
          if (projectId !== undefined) {
            qb.whereRaw('exists (select 1 from participation pa where pa.organisation_id = t.id and pa.project_id = ?)', [projectId]);
          }
          if (filter.role) {
            qb.whereRaw('exists (select 1 from participation pa where pa.organisation_id = t.id and pa.role = ?)', [filter.role]);
          }
          if (filter.municipalityCode) qb.where('t.home_municipality_code', filter.municipalityCode);
          if (filter.postalCode) qb.where('t.postal_code', filter.postalCode);
          if (filter.areaType) {
            qb.whereRaw('exists (select 1 from programme_area a where a.postal_code = t.postal_code and a.area_type = ?)', [filter.areaType]);
          }
        }
      : undefined,
  };
}
