import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';

/** One term of a controlled vocabulary: a stable SCREAMING_SNAKE code and labels in Finnish and English. */
export interface VocabularyEntry {
  code: string;
  labelFi: string;
  labelEn: string;
}

/**
 * Themes (teemat) of Kake and Leader projects. Reference data, not demo data: codes are stable
 * identifiers that clients may rely on; labels may be corrected by changing them here.
 */
export const THEMES: readonly VocabularyEntry[] = [
  { code: 'PARTICIPATION', labelFi: 'Osallisuus', labelEn: 'Participation' },
  { code: 'POVERTY_REDUCTION', labelFi: 'Köyhyyden torjunta', labelEn: 'Poverty reduction' },
  { code: 'YOUTH_PARTICIPATION', labelFi: 'Nuorten osallisuus', labelEn: 'Youth participation' },
  { code: 'COMMUNITY', labelFi: 'Yhteisöllisyys', labelEn: 'Community' },
  { code: 'EMPLOYMENT', labelFi: 'Työllisyys', labelEn: 'Employment' },
  { code: 'VILLAGE_DEVELOPMENT', labelFi: 'Kylätoiminta ja kylien kehittäminen', labelEn: 'Village development' },
  { code: 'NEIGHBOURHOOD_DEVELOPMENT', labelFi: 'Asuinalueiden kehittäminen', labelEn: 'Neighbourhood development' },
  { code: 'CULTURE', labelFi: 'Kulttuuri', labelEn: 'Culture' },
  { code: 'ENVIRONMENT', labelFi: 'Ympäristö ja luonto', labelEn: 'Environment and nature' },
  { code: 'WELLBEING', labelFi: 'Hyvinvointi ja terveys', labelEn: 'Wellbeing and health' },
  { code: 'SPORT_AND_EXERCISE', labelFi: 'Liikunta', labelEn: 'Sport and physical activity' },
  { code: 'DIGITAL_SKILLS', labelFi: 'Digitaidot', labelEn: 'Digital skills' },
  { code: 'LEARNING', labelFi: 'Osaaminen ja koulutus', labelEn: 'Skills and learning' },
  { code: 'ENTREPRENEURSHIP', labelFi: 'Yrittäjyys', labelEn: 'Entrepreneurship' },
  { code: 'INTEGRATION', labelFi: 'Kotoutuminen', labelEn: 'Integration of immigrants' },
  { code: 'VOLUNTEERING', labelFi: 'Vapaaehtoistoiminta', labelEn: 'Volunteering' },
  { code: 'LOCAL_FOOD', labelFi: 'Lähiruoka', labelEn: 'Local food' },
];

/** Target groups (kohderyhmät) of Kake and Leader projects. Reference data, like {@link THEMES}. */
export const TARGET_GROUPS: readonly VocabularyEntry[] = [
  {
    code: 'WORKING_AGE_DIFFICULT_POSITION',
    labelFi: 'Heikossa asemassa olevat työikäiset',
    labelEn: 'Working-age people in a difficult position',
  },
  { code: 'YOUNG_PEOPLE', labelFi: 'Nuoret', labelEn: 'Young people' },
  { code: 'CHILDREN', labelFi: 'Lapset', labelEn: 'Children' },
  { code: 'FAMILIES_WITH_CHILDREN', labelFi: 'Lapsiperheet', labelEn: 'Families with children' },
  { code: 'OLDER_PEOPLE', labelFi: 'Ikääntyneet', labelEn: 'Older people' },
  { code: 'IMMIGRANTS', labelFi: 'Maahanmuuttajat', labelEn: 'Immigrants' },
  { code: 'UNEMPLOYED', labelFi: 'Työttömät', labelEn: 'Unemployed people' },
  { code: 'PEOPLE_WITH_DISABILITIES', labelFi: 'Vammaiset henkilöt', labelEn: 'People with disabilities' },
  { code: 'RURAL_RESIDENTS', labelFi: 'Kyläläiset ja maaseudun asukkaat', labelEn: 'Villagers and rural residents' },
  { code: 'NEIGHBOURHOOD_RESIDENTS', labelFi: 'Kaupunginosien asukkaat', labelEn: 'Residents of urban neighbourhoods' },
  { code: 'ASSOCIATIONS', labelFi: 'Yhdistykset ja kansalaistoimijat', labelEn: 'Associations and civic actors' },
  { code: 'ENTREPRENEURS', labelFi: 'Yrittäjät', labelEn: 'Entrepreneurs' },
  { code: 'STUDENTS', labelFi: 'Opiskelijat', labelEn: 'Students' },
];

function assertWellFormed(name: string, entries: readonly VocabularyEntry[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(entry.code)) throw new Error(`${name}: code "${entry.code}" is not SCREAMING_SNAKE_CASE`);
    if (seen.has(entry.code)) throw new Error(`${name}: duplicate code "${entry.code}"`);
    if (!entry.labelFi.trim() || !entry.labelEn.trim()) throw new Error(`${name}: code "${entry.code}" has a blank label`);
    seen.add(entry.code);
  }
}

/**
 * Inserts the built-in controlled vocabularies into `theme` and `target_group` when their codes are
 * missing. Existing terms are left alone: coordinators maintain labels through the API
 * (`updateTheme`, `updateTargetGroup`) and a restart must not undo that. Terms are never deleted
 * here, because projects may refer to them.
 */
export async function loadVocabularies(em: EntityManager, logger: Logger): Promise<void> {
  assertWellFormed('THEMES', THEMES);
  assertWellFormed('TARGET_GROUPS', TARGET_GROUPS);
  await em.transactional(async (tx) => {
    const knex = tx.getKnex();
    const trx = tx.getTransactionContext();
    for (const [table, entries] of [
      ['theme', THEMES],
      ['target_group', TARGET_GROUPS],
    ] as const) {
      await knex(table)
        .transacting(trx)
        .insert(entries.map((entry) => ({ code: entry.code, label_fi: entry.labelFi, label_en: entry.labelEn })))
        .onConflict('code')
        .ignore();
    }
  });
  logger.info({ themes: THEMES.length, targetGroups: TARGET_GROUPS.length }, 'loaded vocabularies');
}
