import { AreaType } from '../../modules/geography/geography.enums';
import { FundingSource } from '../../modules/funding/funding.enums';
import { DecisionOutcome, Scheme } from '../../modules/programme/programme.enums';

/** How a programme's territory is chosen from the postal areas of the reference data. */
export interface AreaSelector {
  areaType: AreaType;
  /** Explicit NORMAL postal codes. */
  postalCodes: string[];
}

export interface ProgrammeSpec {
  key: string;
  code: string;
  name: string;
  scheme: Scheme;
  periodStart: string;
  periodEnd: string;
  parent?: string;
  administeringOrganisation?: string;
  description: string;
  areas?: AreaSelector[];
  funders?: Array<[organisation: string, source: FundingSource]>;
  ceilings?: Array<{ sources: FundingSource[]; annualAmount: string; approximate?: boolean; year?: number }>;
  decisions?: Array<{ body: string; date: string; reference?: string; outcome: DecisionOutcome; summary?: string }>;
  objectives?: Array<[priorityAxis: number, specificObjective: string, title: string]>;
}

const { ESR, EAFRD, STATE, MUNICIPAL } = FundingSource;

/**
 * Urban postal areas of Kuopio (municipality 297): the NORMAL 70xxx codes. The two fringe
 * areas 70780 and 70870 (Hiltulanlahti) are deliberately also in the Leader territory.
 */
export const KUOPIO_URBAN = [
  '70100', '70110', '70150', '70200', '70210', '70240', '70260', '70280', '70300', '70340', '70400',
  '70420', '70460', '70500', '70600', '70620', '70700', '70780', '70800', '70820', '70840', '70870',
];

/** Fringe areas that both Kake Kuopio (URBAN) and Kalakukko Leader (RURAL) cover. */
export const FRINGE = ['70780', '70870'];

/** Rural postal areas of Kuopio (the NORMAL 71xxx–73xxx codes of former Maaninka, Nilsiä, Juankoski, Karttula, Vehmersalmi …). */
export const KUOPIO_RURAL = [
  '71130', '71150', '71160', '71310', '71330', '71360', '71380', '71480', '71490', '71520', '71570',
  '71610', '71650', '71660', '71670', '71680', '71690', '71720', '71730', '71740', '71745', '71750',
  '71760', '71775', '71950', '72100', '72140', '72490', '73300', '73310', '73320', '73350', '73360',
  '73410', '73460', '73470', '73500', '73710', '73730', '73770', '73810', '73830',
];

const ESR_OBJECTIVES: Array<[number, string, string]> = [
  [3, '6.1', 'Nuorten ja pitkään työttömänä olleiden työllistymisen edistäminen'],
  [4, '8.1', 'Nuorten koulutukseen ja työelämään siirtymisen tehostaminen'],
  [5, '9.1', 'Työelämän ulkopuolella olevien työ- ja toimintakyvyn parantaminen'],
  [5, '9.2', 'Syrjäytymisvaarassa olevien ja heikossa asemassa olevien osallisuuden lisääminen'],
];

const DEMO_NOTE = 'Silta-demoaineistoa: ohjelman tiedot, päätökset ja luvut on koottu esimerkiksi.';

export const PROGRAMMES: readonly ProgrammeSpec[] = [
  {
    key: 'rr',
    code: 'RR-FI-2014-2020',
    name: 'Kestävää kasvua ja työtä 2014–2020 – Suomen rakennerahasto-ohjelma',
    scheme: Scheme.OTHER,
    periodStart: '2014-01-01',
    periodEnd: '2023-12-31',
    description:
      'Suomen rakennerahasto-ohjelma (ESR ja EAKR). Kaupunkien Kake-ohjelmat rahoitetaan sen toimintalinjoista 3–5. ' +
      DEMO_NOTE,
  },
  {
    key: 'maaseutu',
    code: 'MAASEUTU-FI-2014-2020',
    name: 'Manner-Suomen maaseudun kehittämisohjelma 2014–2020',
    scheme: Scheme.OTHER,
    periodStart: '2014-01-01',
    periodEnd: '2022-12-31',
    description:
      'Maaseuturahaston (EAFRD) ohjelma; Leader-toimintaryhmät rahoittavat sen kautta kylien ja yritysten hankkeita. Kausi jatkui siirtymävuosilla 2021–2022. ' +
      DEMO_NOTE,
  },
  {
    key: 'kakeKuopio2014',
    code: 'KAKE-KUOPIO-2014',
    name: 'Kake Kuopio 2014–2017 (kokeilukausi)',
    scheme: Scheme.KAKE,
    periodStart: '2014-09-01',
    periodEnd: '2017-12-31',
    parent: 'rr',
    administeringOrganisation: 'kuopioUnit',
    description:
      'Kaupunkien kansalaistoimijalähtöisen paikallisen kehittämisen kokeilukausi Kuopiossa: noin kaksikymmentä yhdistysten pientä kokeilua asuinalueilla. ' +
      DEMO_NOTE,
    // Hiltulanlahti (70870) joined the Kake territory only in 2018.
    areas: [{ areaType: AreaType.URBAN, postalCodes: KUOPIO_URBAN.filter((code) => code !== '70870') }],
    funders: [
      ['ely', ESR],
      ['ely', STATE],
      ['kuopio', MUNICIPAL],
    ],
    ceilings: [
      { sources: [ESR, STATE], annualAmount: '120000.00', approximate: true },
      { sources: [MUNICIPAL], annualAmount: '30000.00', approximate: true },
    ],
    decisions: [
      {
        body: 'Kuopion kaupunginhallitus',
        date: '2014-06-16',
        reference: 'Kaupunginhallitus 16.6.2014 § 231',
        outcome: DecisionOutcome.APPROVED,
        summary: 'Kake-kokeilukauden käynnistäminen ja kaupungin rahoitusosuus 2014–2017.',
      },
    ],
    objectives: [[5, '9.2', ESR_OBJECTIVES[3][2]]],
  },
  {
    key: 'kakeKuopio',
    code: 'KAKE-KUOPIO-2018',
    name: 'Kake Kuopio 2018–2020',
    scheme: Scheme.KAKE,
    periodStart: '2018-01-01',
    periodEnd: '2020-12-31',
    parent: 'rr',
    administeringOrganisation: 'kuopioUnit',
    description:
      'Kuopion Kake-ohjelma 2018–2020. Tavoitteet: heikossa asemassa olevien työikäisten osallisuus, köyhyyden torjunta, nuorten osallisuus ja yhteisöllisyys. ' +
      'ESR- ja valtionrahoitus enintään 300 000 € vuodessa, kaupungin rahoitus noin 100 000 € vuodessa. ' +
      DEMO_NOTE,
    areas: [{ areaType: AreaType.URBAN, postalCodes: KUOPIO_URBAN }],
    funders: [
      ['ely', ESR],
      ['ely', STATE],
      ['kuopio', MUNICIPAL],
    ],
    ceilings: [
      { sources: [ESR, STATE], annualAmount: '300000.00' },
      { sources: [MUNICIPAL], annualAmount: '100000.00', approximate: true },
    ],
    decisions: [
      {
        body: 'Kuopion kaupunginhallitus',
        date: '2017-10-02',
        reference: 'Kaupunginhallitus 2.10.2017 § 120',
        outcome: DecisionOutcome.APPROVED,
        summary:
          'Kake-ohjelman jatkaminen 2018–2020, kaupungin rahoitusosuus noin 100 000 € vuodessa ja hallinnointi kansalaistoiminnan aktivointiyksikössä.',
      },
      {
        body: 'Pohjois-Savon maakunnan yhteistyöryhmä',
        date: '2017-10-23',
        outcome: DecisionOutcome.PENDING,
        summary: 'ESR- ja valtionrahoituksen varaaminen Kake-ohjelmalle; asia päätetään maakunnan yhteistyöryhmän kokouksessa.',
      },
    ],
    objectives: ESR_OBJECTIVES,
  },
  {
    key: 'leader',
    code: 'LEADER-KALAKUKKO-2014',
    name: 'Kalakukko ry Leader 2014–2020',
    scheme: Scheme.LEADER,
    periodStart: '2014-01-01',
    periodEnd: '2020-12-31',
    parent: 'maaseutu',
    administeringOrganisation: 'kalakukko',
    description:
      'Kalakukko ry:n Leader-strategia Kuopion maaseutualueille: elinvoimaiset kylät, yhteisöllisyys, nuoret, lähiruoka ja maaseudun yrittäjyys. ' +
      DEMO_NOTE,
    areas: [{ areaType: AreaType.RURAL, postalCodes: [...FRINGE, ...KUOPIO_RURAL] }],
    funders: [
      ['ely', EAFRD],
      ['ely', STATE],
      ['kuopio', MUNICIPAL],
    ],
    ceilings: [
      { sources: [EAFRD, STATE], annualAmount: '520000.00' },
      { sources: [MUNICIPAL], annualAmount: '130000.00', approximate: true },
    ],
    decisions: [
      {
        body: 'Maa- ja metsätalousministeriö',
        date: '2014-12-11',
        reference: 'MMM:n päätös Leader-toimintaryhmien valinnasta 11.12.2014',
        outcome: DecisionOutcome.APPROVED,
        summary: 'Kalakukko ry valittiin Leader-toimintaryhmäksi ohjelmakaudelle 2014–2020.',
      },
      {
        body: 'Kalakukko ry:n hallitus',
        date: '2015-01-20',
        reference: 'Hallitus 20.1.2015 § 4',
        outcome: DecisionOutcome.APPROVED,
        summary: 'Strategian toimeenpanosuunnitelma ja hankkeiden valintakriteerit.',
      },
    ],
  },
  {
    key: 'kakeJoensuu',
    code: 'KAKE-JOENSUU-2018',
    name: 'Kake Joensuu 2018–2020',
    scheme: Scheme.KAKE,
    periodStart: '2018-01-01',
    periodEnd: '2020-12-31',
    parent: 'rr',
    administeringOrganisation: 'joensuu',
    description: 'Joensuun Kake-ohjelma: asukastuvat, nuorten kohtaamispaikat ja työttömien vertaistuki. ' + DEMO_NOTE,
    areas: [{ areaType: AreaType.URBAN, postalCodes: ['80100', '80110', '80200', '80220', '80230'] }],
    funders: [
      ['ely', ESR],
      ['ely', STATE],
      ['joensuu', MUNICIPAL],
    ],
    ceilings: [{ sources: [ESR, STATE], annualAmount: '150000.00' }],
    decisions: [
      {
        body: 'Joensuun kaupunginhallitus',
        date: '2017-11-13',
        reference: 'Kaupunginhallitus 13.11.2017 § 412',
        outcome: DecisionOutcome.APPROVED,
      },
    ],
    objectives: [ESR_OBJECTIVES[2], ESR_OBJECTIVES[3]],
  },
  {
    key: 'kakeMikkeli',
    code: 'KAKE-MIKKELI-2018',
    name: 'Kake Mikkeli 2018–2020',
    scheme: Scheme.KAKE,
    periodStart: '2018-01-01',
    periodEnd: '2020-12-31',
    parent: 'rr',
    administeringOrganisation: 'mikkeli',
    description: 'Mikkelin Kake-ohjelma: kotoutuminen, lähiöiden yhteisöllisyys ja lasten liikunta. ' + DEMO_NOTE,
    areas: [{ areaType: AreaType.URBAN, postalCodes: ['50100', '50120', '50130', '50170', '50190'] }],
    funders: [
      ['ely', ESR],
      ['ely', STATE],
      ['mikkeli', MUNICIPAL],
    ],
    ceilings: [{ sources: [ESR, STATE], annualAmount: '120000.00' }],
    decisions: [
      {
        body: 'Mikkelin kaupunginhallitus',
        date: '2017-12-04',
        reference: 'Kaupunginhallitus 4.12.2017 § 389',
        outcome: DecisionOutcome.APPROVED,
      },
    ],
    objectives: [ESR_OBJECTIVES[3]],
  },
  {
    key: 'kakeSavonlinna',
    code: 'KAKE-SAVONLINNA-2018',
    name: 'Kake Savonlinna 2018–2020',
    scheme: Scheme.KAKE,
    periodStart: '2018-01-01',
    periodEnd: '2020-12-31',
    parent: 'rr',
    administeringOrganisation: 'savonlinna',
    description: 'Savonlinnan Kake-ohjelma: asukastuvat, nuorten kulttuuri ja ikäihmisten yhteisöllisyys. ' + DEMO_NOTE,
    areas: [{ areaType: AreaType.URBAN, postalCodes: ['57100', '57130', '57200', '57220', '57230'] }],
    funders: [
      ['ely', ESR],
      ['ely', STATE],
      ['savonlinna', MUNICIPAL],
    ],
    ceilings: [{ sources: [ESR, STATE], annualAmount: '90000.00' }],
    decisions: [
      {
        body: 'Savonlinnan kaupunginhallitus',
        date: '2017-11-27',
        reference: 'Kaupunginhallitus 27.11.2017 § 301',
        outcome: DecisionOutcome.APPROVED,
      },
    ],
    objectives: [ESR_OBJECTIVES[3]],
  },
];
