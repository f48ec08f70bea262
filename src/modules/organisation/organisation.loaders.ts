import { childrenLoader, defineLoader, entityLoader } from '../../shared/loaders';
import { ContactPerson } from './contact-person.entity';
import { ExternalId } from './external-id.entity';
import { Organisation } from './organisation.entity';

/** Per-request loaders of the organisation module (see `defineLoader`). */
export const organisationsById = defineLoader('organisationsById', (em) => entityLoader(em, Organisation, 'id'));
export const contactPeopleByOrganisationId = defineLoader('contactPeopleByOrganisationId', (em) =>
  childrenLoader(em, ContactPerson, 'organisation', { name: 'asc', id: 'asc' }),
);
export const externalIdsByOrganisationId = defineLoader('externalIdsByOrganisationId', (em) =>
  childrenLoader(em, ExternalId, 'organisation', { system: 'asc', value: 'asc' }),
);
