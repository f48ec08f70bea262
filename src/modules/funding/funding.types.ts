import { ConnectionType } from '../../shared/relay/connection';
import { FundingLine } from './funding-line.entity';

export const FundingLineConnection = ConnectionType(FundingLine, 'FundingLine', 'funding lines');
