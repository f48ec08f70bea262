import { ConnectionType } from '../../shared/relay/connection';
import { Municipality } from './municipality.entity';
import { PostalArea } from './postal-area.entity';

export const MunicipalityConnection = ConnectionType(Municipality, 'Municipality', 'municipalities');
export const PostalAreaConnection = ConnectionType(PostalArea, 'PostalArea', 'postal-code areas');
