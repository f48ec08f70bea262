import { registerEnumType } from 'type-graphql';

/** What a pair of overlapping projects most likely is; one per pair, the first that applies in this order. */
export enum OverlapKind {
  DOUBLE_FUNDING_RISK = 'DOUBLE_FUNDING_RISK',
  DUPLICATION_RISK = 'DUPLICATION_RISK',
  SAME_ORGANISATION = 'SAME_ORGANISATION',
  SYNERGY = 'SYNERGY',
  SHARED_PARTNER = 'SHARED_PARTNER',
}

/** The evidence a finding is made of; each is scored 0–1. */
export enum OverlapSignalKind {
  SAME_ORGANISATION = 'SAME_ORGANISATION',
  SHARED_PARTNER = 'SHARED_PARTNER',
  PERIOD_OVERLAP = 'PERIOD_OVERLAP',
  SAME_AREA = 'SAME_AREA',
  NEIGHBOURING_AREA = 'NEIGHBOURING_AREA',
  TERRITORY_CONFLICT = 'TERRITORY_CONFLICT',
  THEME = 'THEME',
  TARGET_GROUP = 'TARGET_GROUP',
  TEXT_SIMILARITY = 'TEXT_SIMILARITY',
  AMOUNT_MATCH = 'AMOUNT_MATCH',
  REGRANT_CHAIN = 'REGRANT_CHAIN',
}

/** An analyst's or coordinator's verdict on a pair. */
export enum OverlapReviewStatus {
  CONFIRMED = 'CONFIRMED',
  DISMISSED = 'DISMISSED',
  SYNERGY = 'SYNERGY',
}

/** Where a finding stands: not reviewed yet (OPEN), or its review's verdict. */
export enum OverlapStatus {
  OPEN = 'OPEN',
  CONFIRMED = 'CONFIRMED',
  DISMISSED = 'DISMISSED',
  SYNERGY = 'SYNERGY',
}

/** The kinds that are risks (the others are opportunities or facts worth knowing). */
export const RISK_KINDS: ReadonlySet<OverlapKind> = new Set([OverlapKind.DOUBLE_FUNDING_RISK, OverlapKind.DUPLICATION_RISK]);

registerEnumType(OverlapKind, {
  name: 'OverlapKind',
  description: 'What an overlap between two projects most likely is.',
  valuesConfig: {
    DOUBLE_FUNDING_RISK: {
      description:
        'The same organisation is funded for similar work in overlapping periods from two programmes (or two EU funds): the same work may be paid twice.',
    },
    DUPLICATION_RISK: { description: 'Different organisations do similar work in the same area at the same time, with public money for both.' },
    SAME_ORGANISATION: { description: 'The same organisation leads or partners projects on both sides of the divide at the same time, on different work: not a risk by itself.' },
    SYNERGY: { description: 'Different organisations on the urban and the rural side work on the same theme nearby at the same time: they should cooperate.' },
    SHARED_PARTNER: { description: 'The same partner organisation takes part in projects on both sides of the divide at the same time.' },
  },
});

registerEnumType(OverlapSignalKind, {
  name: 'OverlapSignalKind',
  description: 'One piece of evidence of an overlap.',
  valuesConfig: {
    SAME_ORGANISATION: { description: 'The same organisation (by business ID) leads one project and leads or partners the other.' },
    SHARED_PARTNER: { description: 'The same organisation is a partner (not lead) in both.' },
    PERIOD_OVERLAP: { description: 'The periods overlap; scored as the share of the shorter period.' },
    SAME_AREA: { description: 'Shared postal-code areas; scored as the share of the smaller set.' },
    NEIGHBOURING_AREA: { description: 'Areas in the same municipality, none shared.' },
    TERRITORY_CONFLICT: { description: "One project lies in an area of the other scheme's territory (an urban Kake project in a RURAL area, or the reverse)." },
    THEME: { description: 'Shared themes (Jaccard index).' },
    TARGET_GROUP: { description: 'Shared target groups (Jaccard index).' },
    TEXT_SIMILARITY: { description: 'Titles, summaries and purposes compared as Finnish text (character 4-grams of words, weighted by rarity).' },
    AMOUNT_MATCH: { description: 'Granted amounts within 1 % of each other.' },
    REGRANT_CHAIN: { description: 'Money reaches the same organisation through an umbrella project and directly.' },
  },
});

registerEnumType(OverlapReviewStatus, {
  name: 'OverlapReviewStatus',
  description: 'A verdict on an overlap.',
  valuesConfig: {
    CONFIRMED: { description: 'The overlap is real and needs action.' },
    DISMISSED: { description: 'Not an overlap (or not a problem): hidden from lists by default.' },
    SYNERGY: { description: 'The projects should cooperate.' },
  },
});

registerEnumType(OverlapStatus, {
  name: 'OverlapStatus',
  description: 'Where a finding stands.',
  valuesConfig: {
    OPEN: { description: 'Not reviewed yet.' },
    CONFIRMED: { description: 'Reviewed: real, needs action.' },
    DISMISSED: { description: 'Reviewed: not an overlap, or not a problem.' },
    SYNERGY: { description: 'Reviewed: the projects should cooperate.' },
  },
});
