import { registerEnumType } from 'type-graphql';

export enum OrganisationType {
  ASSOCIATION = 'ASSOCIATION',
  FOUNDATION = 'FOUNDATION',
  MUNICIPALITY = 'MUNICIPALITY',
  AUTHORITY = 'AUTHORITY',
  LOCAL_ACTION_GROUP = 'LOCAL_ACTION_GROUP',
  COMPANY = 'COMPANY',
  EDUCATIONAL = 'EDUCATIONAL',
  PARISH = 'PARISH',
  OTHER = 'OTHER',
}

registerEnumType(OrganisationType, {
  name: 'OrganisationType',
  description: 'Legal or administrative kind of an organisation.',
  valuesConfig: {
    ASSOCIATION: { description: 'Registered association (rekisteröity yhdistys, ry).' },
    FOUNDATION: { description: 'Foundation (säätiö, sr).' },
    MUNICIPALITY: { description: 'Municipality or city (kunta, kaupunki) or one of its units.' },
    AUTHORITY: { description: 'State authority, e.g. an ELY-keskus.' },
    LOCAL_ACTION_GROUP: { description: 'Leader local action group (toimintaryhmä), e.g. Kalakukko ry.' },
    COMPANY: { description: 'Company (yritys, oy).' },
    EDUCATIONAL: { description: 'School, college or university (oppilaitos).' },
    PARISH: { description: 'Parish (seurakunta).' },
    OTHER: { description: 'Any other kind of organisation.' },
  },
});
