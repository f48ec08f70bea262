import { ConnectionType } from '../../shared/relay/connection';
import { ProgrammeArea } from './programme-parts.entity';
import { Programme } from './programme.entity';

export const ProgrammeConnection = ConnectionType(Programme, 'Programme', 'programmes');
export const ProgrammeAreaConnection = ConnectionType(ProgrammeArea, 'ProgrammeArea', 'territory areas');
