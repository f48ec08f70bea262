import type { EntityManager } from '@mikro-orm/postgresql';
import { checkDateRange, checkMunicipalityCode, checkPostalCode, optionalEntityId } from '../../shared/filters';
import { checkReferencesExist } from '../../shared/reference-checks';
import { OrderDirection } from '../../shared/relay/connection';
import type { ListSpec, SortKey } from '../../shared/relay/keyset';
import type { AreaType } from '../geography/geography.enums';
import { ProgrammeArea } from './programme-parts.entity';
import { Programme } from './programme.entity';
import { ProgrammeOrderField, type ProgrammeFilter, type ProgrammeOrder } from './programme.inputs';

const SORT_KEYS: Record<ProgrammeOrderField, SortKey> = {
  [ProgrammeOrderField.NAME]: { sql: 'lower(t.name)', cast: 'text' },
  [ProgrammeOrderField.CODE]: { sql: 't.code', cast: 'text' },
  [ProgrammeOrderField.START_DATE]: { sql: 't.period_start', cast: 'date' },
  [ProgrammeOrderField.GRANTED_AMOUNT]: {
    sql: '(select coalesce(sum(f.granted), 0) from funding_line f join project p on p.id = f.project_id where p.programme_id = t.id)',
    cast: 'numeric',
  },
};

export async function programmeListSpec(
  em: EntityManager,
  filter: ProgrammeFilter | null | undefined,
  order: ProgrammeOrder | null | undefined,
  argumentName = 'filter',
): Promise<ListSpec<Programme>> {
  const arg = (name: string): string => `${argumentName}.${name}`;
  const parentId = optionalEntityId(filter?.parent, 'Programme', arg('parent'));
  const organisationId = optionalEntityId(filter?.organisation, 'Organisation', arg('organisation'));
  checkMunicipalityCode(filter?.municipalityCode, arg('municipalityCode'));
  checkPostalCode(filter?.postalCode, arg('postalCode'));
  checkDateRange(filter?.overlaps, arg('overlaps'));
  await checkReferencesExist(em, [
    { table: 'municipality', column: 'code', value: filter?.municipalityCode, argumentName: arg('municipalityCode'), label: 'municipality code' },
    { table: 'postal_area', column: 'postal_code', value: filter?.postalCode, argumentName: arg('postalCode'), label: 'postal code' },
  ]);
  return {
    entity: Programme,
    table: 'programme',
    keyColumn: 'id',
    sort: SORT_KEYS[order?.field ?? ProgrammeOrderField.NAME],
    direction: order?.direction ?? OrderDirection.ASC,
    where: filter
      ? (qb) => {
          if (filter.scheme) qb.where('t.scheme', filter.scheme);
          if (parentId !== undefined) qb.where('t.parent_id', parentId);
          if (organisationId !== undefined) {
            qb.whereRaw(
              `(t.administering_organisation_id = ?
                or exists (select 1 from programme_funder pf where pf.programme_id = t.id and pf.organisation_id = ?)
                or exists (select 1 from project p join participation pa on pa.project_id = p.id where p.programme_id = t.id and pa.organisation_id = ?))`,
              [organisationId, organisationId, organisationId],
            );
          }
          if (filter.municipalityCode) {
            qb.whereRaw(
              'exists (select 1 from programme_area a join postal_area pa on pa.postal_code = a.postal_code where a.programme_id = t.id and pa.municipality_code = ?)',
              [filter.municipalityCode],
            );
          }
          if (filter.postalCode) {
            qb.whereRaw('exists (select 1 from programme_area a where a.programme_id = t.id and a.postal_code = ?)', [filter.postalCode]);
          }
          if (filter.areaType) {
            qb.whereRaw('exists (select 1 from programme_area a where a.programme_id = t.id and a.area_type = ?)', [filter.areaType]);
          }
          if (filter.activeOn) qb.whereRaw('t.period_start <= ?::date and t.period_end >= ?::date', [filter.activeOn, filter.activeOn]);
          if (filter.overlaps) {
            qb.whereRaw('t.period_start <= ?::date and t.period_end >= ?::date', [filter.overlaps.end, filter.overlaps.start]);
          }
        }
      : undefined,
  };
}

export function territorySpec(areaType: AreaType | null | undefined): ListSpec<ProgrammeArea> {
  return {
    entity: ProgrammeArea,
    table: 'programme_area',
    keyColumn: 'id',
    sort: { sql: 't.postal_code', cast: 'text' },
    direction: OrderDirection.ASC,
    where: areaType ? (qb) => void qb.where('t.area_type', areaType) : undefined,
  };
}
