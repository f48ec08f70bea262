import { registerEnumType } from 'type-graphql';

/** What a post is; each kind has fields of its own (see `Post`). */
export enum PostKind {
  NEWS = 'NEWS',
  EVENT = 'EVENT',
  PARTNER_SEARCH = 'PARTNER_SEARCH',
  RESULT = 'RESULT',
  CALL = 'CALL',
}

/** Who may read a post, besides the authoring organisation's members (who always may). */
export enum PostVisibility {
  PUBLIC = 'PUBLIC',
  PARTNERS = 'PARTNERS',
  COORDINATORS = 'COORDINATORS',
}

export enum PostStatus {
  PUBLISHED = 'PUBLISHED',
  WITHDRAWN = 'WITHDRAWN',
}

registerEnumType(PostKind, {
  name: 'PostKind',
  description: 'What a post is.',
  valuesConfig: {
    NEWS: { description: 'News (uutinen).' },
    EVENT: { description: 'An event (tapahtuma), with a start, an end, a place and a postal code.' },
    PARTNER_SEARCH: { description: 'A partner search (kumppanihaku): what partner is sought, themes, areas, the role wanted and a closing date.' },
    RESULT: { description: 'A result (tulos) of a project: outcomes and links.' },
    CALL: { description: "A programme's funding call (hakuilmoitus), by its coordinator: opening and closing dates and who may apply." },
  },
});

registerEnumType(PostVisibility, {
  name: 'PostVisibility',
  description: "Who may read a post; the authoring organisation's members always may.",
  valuesConfig: {
    PUBLIC: { description: 'Everyone, anonymous callers included.' },
    PARTNERS: { description: 'Signed-in accounts with a verified membership, coordinators, analysts and admins.' },
    COORDINATORS: { description: 'Coordinators (of any programme), analysts and admins.' },
  },
});

registerEnumType(PostStatus, {
  name: 'PostStatus',
  description: 'Whether a post is current.',
  valuesConfig: {
    PUBLISHED: { description: 'Published (julkaistu): current.' },
    WITHDRAWN: { description: 'Withdrawn (peruttu) by its author; still readable by the same readers, marked so, and no longer editable.' },
  },
});
