import { registerEnumType } from 'type-graphql';

export enum ProjectStatus {
  DRAFT = 'DRAFT',
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  ONGOING = 'ONGOING',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}

export enum ParticipationRole {
  LEAD = 'LEAD',
  PARTNER = 'PARTNER',
  SUB_GRANTEE = 'SUB_GRANTEE',
  FUNDER = 'FUNDER',
}

registerEnumType(ProjectStatus, {
  name: 'ProjectStatus',
  description: 'Where a project is in its life cycle.',
  valuesConfig: {
    DRAFT: { description: 'Being prepared (luonnos).' },
    SUBMITTED: { description: 'Application submitted (haettu), awaiting decision.' },
    APPROVED: { description: 'Funding granted (myönnetty), not yet started.' },
    REJECTED: { description: 'Funding refused (hylätty).' },
    ONGOING: { description: 'Running (käynnissä).' },
    COMPLETED: { description: 'Finished (päättynyt).' },
    CANCELLED: { description: 'Cancelled before completion (peruttu).' },
  },
});

registerEnumType(ParticipationRole, {
  name: 'ParticipationRole',
  description: "An organisation's role in a project.",
  valuesConfig: {
    LEAD: { description: 'Lead applicant and beneficiary (päätoteuttaja, tuensaaja).' },
    PARTNER: { description: 'Co-implementer (osatoteuttaja, kumppani).' },
    SUB_GRANTEE: { description: 'Receives a re-grant from an umbrella project (pilotti, alihanke).' },
    FUNDER: { description: 'Co-funds the project (rahoittaja).' },
  },
});
