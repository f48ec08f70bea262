import { registerEnumType } from 'type-graphql';

export enum Scheme {
  KAKE = 'KAKE',
  LEADER = 'LEADER',
  OTHER = 'OTHER',
}

export enum DecisionOutcome {
  APPROVED = 'APPROVED',
  PENDING = 'PENDING',
  REJECTED = 'REJECTED',
}

registerEnumType(Scheme, {
  name: 'Scheme',
  description: 'Which community-led local development (CLLD) scheme a programme belongs to.',
  valuesConfig: {
    KAKE: { description: 'Urban CLLD (kaupunkien kansalaistoimijalähtöinen paikallinen kehittäminen, Kake), ESR-funded.' },
    LEADER: { description: 'Rural CLLD (Leader), EAFRD-funded, run by a local action group.' },
    OTHER: { description: 'Any other programme, e.g. a parent operational programme.' },
  },
});

registerEnumType(DecisionOutcome, {
  name: 'DecisionOutcome',
  description: 'State of a decision that set up or changed a programme.',
  valuesConfig: {
    APPROVED: { description: 'Decided in favour.' },
    PENDING: { description: 'Scheduled or awaiting the decision.' },
    REJECTED: { description: 'Decided against.' },
  },
});
