import type { EntityManager } from '@mikro-orm/postgresql';
import type { FundingSource } from '../../funding/funding.enums';
import type { Scheme } from '../../programme/programme.enums';

/** A programme as the readers see it, to tell which programme a row belongs to. */
export interface ProgrammeCatalogueEntry {
  code: string;
  scheme: Scheme;
  periodStart: string;
  periodEnd: string;
  /** The sources its funders provide (ESR, STATE, … for Kake; EAFRD, … for Leader). */
  fundSources: FundingSource[];
  /** The municipalities its territory touches (postal areas of `programme_area`). */
  municipalityCodes: string[];
}

/** What the readers know of the database: programmes and places, loaded once per import. */
export interface ReadContext {
  programmes: ProgrammeCatalogueEntry[];
  /** Postal code → municipality code, for every postal area Silta knows. */
  municipalityOfPostalCode: Map<string, string>;
  /** Municipality name (Finnish or Swedish, folded to lower case) → municipality code. */
  municipalityByName: Map<string, string>;
  /**
   * Postal area name (a village or district as Posti names it, Finnish or Swedish, lower case) → its
   * street-address postal codes, for places such as "Vehmersalmi" in Leader decisions.
   */
  postalCodesByName?: Map<string, string[]>;
}

/** Loads the read context with three statements (programmes, postal areas, municipalities). */
export async function loadReadContext(em: EntityManager): Promise<ReadContext> {
  const programmes = await em.execute<Array<{ code: string; scheme: Scheme; period_start: string; period_end: string; sources: FundingSource[] | null; municipalities: string[] | null }>>(
    `select p.code, p.scheme, to_char(p.period_start, 'YYYY-MM-DD') as period_start, to_char(p.period_end, 'YYYY-MM-DD') as period_end,
            (select array_agg(distinct f.source::text) from programme_funder f where f.programme_id = p.id) as sources,
            (select array_agg(distinct pa.municipality_code) from programme_area a join postal_area pa on pa.postal_code = a.postal_code where a.programme_id = p.id) as municipalities
       from programme p order by p.code`,
  );
  const areas = await em.execute<Array<{ postal_code: string; municipality_code: string; name_fi: string; name_sv: string; kind: string }>>(
    'select postal_code, municipality_code, name_fi, name_sv, kind from postal_area order by postal_code',
  );
  const postalCodesByName = new Map<string, string[]>();
  for (const area of areas) {
    if (area.kind !== 'NORMAL') continue;
    for (const name of new Set([area.name_fi, area.name_sv].map((text) => text.toLocaleLowerCase('fi')))) {
      postalCodesByName.set(name, [...(postalCodesByName.get(name) ?? []), area.postal_code]);
    }
  }
  const municipalities = await em.execute<Array<{ code: string; name_fi: string; name_sv: string }>>('select code, name_fi, name_sv from municipality');
  const municipalityByName = new Map<string, string>();
  for (const m of municipalities) {
    municipalityByName.set(m.name_fi.toLocaleLowerCase('fi'), m.code);
    municipalityByName.set(m.name_sv.toLocaleLowerCase('fi'), m.code);
  }
  return {
    programmes: programmes.map((p) => ({
      code: p.code,
      scheme: p.scheme,
      periodStart: p.period_start,
      periodEnd: p.period_end,
      fundSources: p.sources ?? [],
      municipalityCodes: p.municipalities ?? [],
    })),
    municipalityOfPostalCode: new Map(areas.map((a) => [a.postal_code, a.municipality_code])),
    municipalityByName,
    postalCodesByName,
  };
}
