import { registerEnumType } from 'type-graphql';

/** Roles, from least to most trusted. PUBLIC is everyone, signed in or not. */
export enum Role {
  PUBLIC = 'PUBLIC',
  PARTNER = 'PARTNER',
  COORDINATOR = 'COORDINATOR',
  ANALYST = 'ANALYST',
  ADMIN = 'ADMIN',
}

/** Roles an account holds by itself; PARTNER and COORDINATOR come from memberships. */
export enum GlobalRole {
  ANALYST = 'ANALYST',
  ADMIN = 'ADMIN',
}

export enum AccountKind {
  PERSON = 'PERSON',
  INTEGRATION = 'INTEGRATION',
}

export enum TokenScope {
  READ_ONLY = 'READ_ONLY',
  READ_WRITE = 'READ_WRITE',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'What an account may see and do.',
  valuesConfig: {
    PUBLIC: { description: 'Anyone, signed in or not: published data without contact details or internal notes.' },
    PARTNER: { description: 'Member of an organisation: edits it and the projects it leads; sees contact details.' },
    COORDINATOR: { description: 'Runs a programme (the Kake unit, Kalakukko ry staff): its projects, calls and funding decisions.' },
    ANALYST: { description: 'Reads everything, including internal notes, drafts and the audit log.' },
    ADMIN: { description: 'Manages accounts, programmes and vocabularies; may do everything.' },
  },
});

registerEnumType(AccountKind, {
  name: 'AccountKind',
  description: 'Who uses an account.',
  valuesConfig: {
    PERSON: { description: 'A person.' },
    INTEGRATION: { description: "A partner portal's server-to-server integration." },
  },
});

registerEnumType(TokenScope, {
  name: 'TokenScope',
  description: 'What an API token may be used for.',
  valuesConfig: {
    READ_ONLY: { description: 'Queries only; mutations are refused.' },
    READ_WRITE: { description: 'Queries and mutations, within the account’s roles.' },
  },
});
