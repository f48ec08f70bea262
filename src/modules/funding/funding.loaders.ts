import { defineLoader } from '../../shared/loaders';
import { projectChildLoader } from '../project/project.loaders';
import { FundingLine } from './funding-line.entity';
import { fundingTotalsLoader } from './funding-totals';

/** Per-request loaders of the funding module (see `defineLoader`). */
export const fundingLinesById = defineLoader('fundingLinesById', (em) => projectChildLoader(em, FundingLine, 'funding_line'));
export const fundingTotalsByProjectId = defineLoader('fundingTotalsByProjectId', (em) => fundingTotalsLoader(em, 'f.project_id'));
export const fundingTotalsByProgrammeId = defineLoader('fundingTotalsByProgrammeId', (em) =>
  fundingTotalsLoader(em, 'p.programme_id', 'join project p on p.id = f.project_id'),
);
