import { ConnectionType } from '../../shared/relay/connection';
import { Organisation } from './organisation.entity';

export const OrganisationConnection = ConnectionType(Organisation, 'Organisation', 'organisations');
