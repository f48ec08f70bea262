import type { EntityManager } from '@mikro-orm/postgresql';
import { badUserInput } from '../../shared/errors';
import { checkMunicipalityCode, optionalEntityId } from '../../shared/filters';
import { checkReferencesExist } from '../../shared/reference-checks';
import { OrderDirection } from '../../shared/relay/connection';
import type { ListSpec } from '../../shared/relay/keyset';
import { GeographyOrderField, type GeographyOrder, type MunicipalityFilter, type PostalAreaFilter } from './geography.inputs';
import { Municipality } from './municipality.entity';
import { PostalArea } from './postal-area.entity';

export function municipalityListSpec(filter: MunicipalityFilter | null | undefined, order: GeographyOrder | null | undefined): ListSpec<Municipality> {
  if (filter?.regionCode != null && !/^FI[0-9A-Z]{1,4}$/.test(filter.regionCode)) {
    throw badUserInput(`A region code looks like "FI1D2"; got "${filter.regionCode}"`, 'filter.regionCode');
  }
  return {
    entity: Municipality,
    table: 'municipality',
    keyColumn: 'code',
    sort: order?.field === GeographyOrderField.NAME ? { sql: 'lower(t.name_fi)', cast: 'text' } : { sql: 't.code', cast: 'text' },
    direction: order?.direction ?? OrderDirection.ASC,
    where: filter
      ? (qb) => {
          if (filter.regionCode) qb.where('t.region_code', filter.regionCode);
          if (filter.scheme) {
            qb.whereRaw(
              `exists (select 1 from postal_area pa join programme_area a on a.postal_code = pa.postal_code
                       join programme g on g.id = a.programme_id where pa.municipality_code = t.code and g.scheme = ?)`,
              [filter.scheme],
            );
          }
        }
      : undefined,
  };
}

export async function postalAreaListSpec(
  em: EntityManager,
  filter: PostalAreaFilter | null | undefined,
  order: GeographyOrder | null | undefined,
): Promise<ListSpec<PostalArea>> {
  checkMunicipalityCode(filter?.municipalityCode, 'filter.municipalityCode');
  const programmeId = optionalEntityId(filter?.programme, 'Programme', 'filter.programme');
  if (filter?.kind && filter.kind.length === 0) {
    throw badUserInput('`kind` needs at least one kind; leave it out for all', 'filter.kind');
  }
  await checkReferencesExist(em, [
    { table: 'municipality', column: 'code', value: filter?.municipalityCode, argumentName: 'filter.municipalityCode', label: 'municipality code' },
  ]);
  return {
    entity: PostalArea,
    table: 'postal_area',
    keyColumn: 'postal_code',
    sort: order?.field === GeographyOrderField.NAME ? { sql: 'lower(t.name_fi)', cast: 'text' } : { sql: 't.postal_code', cast: 'text' },
    direction: order?.direction ?? OrderDirection.ASC,
    where: filter
      ? (qb) => {
          if (filter.municipalityCode) qb.where('t.municipality_code', filter.municipalityCode);
          if (filter.kind) qb.whereIn('t.kind', filter.kind);
          if (filter.areaType) {
            qb.whereRaw('exists (select 1 from programme_area a where a.postal_code = t.postal_code and a.area_type = ?)', [filter.areaType]);
          }
          if (programmeId !== undefined) {
            qb.whereRaw('exists (select 1 from programme_area a where a.postal_code = t.postal_code and a.programme_id = ?)', [programmeId]);
          }
          if (filter.scheme) {
            qb.whereRaw(
              'exists (select 1 from programme_area a join programme g on g.id = a.programme_id where a.postal_code = t.postal_code and g.scheme = ?)',
              [filter.scheme],
            );
          }
        }
      : undefined,
  };
}
