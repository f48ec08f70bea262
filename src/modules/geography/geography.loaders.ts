import { defineLoader, entityLoader } from '../../shared/loaders';
import { Municipality } from './municipality.entity';
import { PostalArea } from './postal-area.entity';

/** Per-request loaders of the geography module (see `defineLoader`). */
export const municipalitiesByCode = defineLoader('municipalitiesByCode', (em) => entityLoader(em, Municipality, 'code'));
export const postalAreasByCode = defineLoader('postalAreasByCode', (em) => entityLoader(em, PostalArea, 'postalCode'));
