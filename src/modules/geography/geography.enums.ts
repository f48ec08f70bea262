import { registerEnumType } from 'type-graphql';

/** Posti's postal-code type (postinumeron tyyppi). */
export enum PostalAreaKind {
  NORMAL = 'NORMAL',
  PO_BOX = 'PO_BOX',
  CORPORATE = 'CORPORATE',
  COMPILATION = 'COMPILATION',
  REPLY_MAIL = 'REPLY_MAIL',
  PARCEL_LOCKER = 'PARCEL_LOCKER',
  TECHNICAL = 'TECHNICAL',
}

/** How a programme classifies a postal-code area it covers. */
export enum AreaType {
  URBAN = 'URBAN',
  RURAL = 'RURAL',
}

registerEnumType(PostalAreaKind, {
  name: 'PostalAreaKind',
  description: "Posti's type of postal code (postinumeron tyyppi).",
  valuesConfig: {
    NORMAL: { description: 'An ordinary street-address area (tavallinen postinumero).' },
    PO_BOX: { description: 'Post-office boxes (postilokero).' },
    CORPORATE: { description: 'A large recipient with its own code (yrityspostinumero).' },
    COMPILATION: { description: 'A compilation code (kokoojapostinumero).' },
    REPLY_MAIL: { description: 'Business reply mail (vastauslähetys).' },
    PARCEL_LOCKER: { description: 'Parcel lockers (SmartPOST, pakettiautomaatti).' },
    TECHNICAL: { description: 'A technical code with no delivery area.' },
  },
});

registerEnumType(AreaType, {
  name: 'AreaType',
  description:
    'Urban or rural, as a programme classifies a postal-code area. Kake and Leader share the municipality of Kuopio (297), so the split lives on postal-code areas.',
  valuesConfig: {
    URBAN: { description: 'Urban area (kaupunkialue): Kake territory in Kuopio.' },
    RURAL: { description: 'Rural area (maaseutu): Leader territory.' },
  },
});
