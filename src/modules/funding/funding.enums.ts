import { registerEnumType } from 'type-graphql';

export enum FundingSource {
  ESR = 'ESR',
  EAFRD = 'EAFRD',
  STATE = 'STATE',
  MUNICIPAL = 'MUNICIPAL',
  PRIVATE = 'PRIVATE',
  IN_KIND = 'IN_KIND',
}

registerEnumType(FundingSource, {
  name: 'FundingSource',
  description: 'Where money (or work) for a project comes from.',
  valuesConfig: {
    ESR: { description: 'European Social Fund (Euroopan sosiaalirahasto, ESR).' },
    EAFRD: { description: 'European Agricultural Fund for Rural Development (maaseuturahasto, maaseuturahasto/EAFRD).' },
    STATE: { description: 'Finnish state co-funding (valtion rahoitus), e.g. through the ELY-keskus.' },
    MUNICIPAL: { description: 'Municipal co-funding (kuntarahoitus), e.g. City of Kuopio.' },
    PRIVATE: { description: 'Private cash funding (yksityinen rahoitus).' },
    IN_KIND: { description: 'Volunteer work and other contributions in kind (talkootyö), valued in euros.' },
  },
});
