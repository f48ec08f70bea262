import { childrenLoader, defineLoader, entityLoader } from '../../shared/loaders';
import { ProgrammeArea, ProgrammeCeiling, ProgrammeDecision, ProgrammeFunder, ProgrammeObjective } from './programme-parts.entity';
import { Programme } from './programme.entity';

/** Per-request loaders of the programme module (see `defineLoader`). */
export const programmesById = defineLoader('programmesById', (em) => entityLoader(em, Programme, 'id'));
export const administeredProgrammesByOrganisationId = defineLoader('administeredProgrammesByOrganisationId', (em) =>
  childrenLoader(em, Programme, 'administeringOrganisation', { periodStart: 'asc', id: 'asc' }),
);
export const fundersByProgrammeId = defineLoader('fundersByProgrammeId', (em) =>
  childrenLoader(em, ProgrammeFunder, 'programme', { source: 'asc', id: 'asc' }),
);
export const objectivesByProgrammeId = defineLoader('objectivesByProgrammeId', (em) =>
  childrenLoader(em, ProgrammeObjective, 'programme', { priorityAxis: 'asc', specificObjective: 'asc' }),
);
export const ceilingsByProgrammeId = defineLoader('ceilingsByProgrammeId', (em) => childrenLoader(em, ProgrammeCeiling, 'programme', { id: 'asc' }));
export const decisionsByProgrammeId = defineLoader('decisionsByProgrammeId', (em) =>
  childrenLoader(em, ProgrammeDecision, 'programme', { date: 'asc', id: 'asc' }),
);
export const coverageByPostalCode = defineLoader('coverageByPostalCode', (em) => childrenLoader(em, ProgrammeArea, 'postalArea', { programme: 'asc' }));
