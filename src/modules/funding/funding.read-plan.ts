import { byForeignKey, column, defineRootReads, defineTypeReads, eurosColumn } from '../../shared/read-plan/registry';
import type { Viewer } from '../auth/viewer';
import type { FundingLineFilter, FundingLineOrder } from './funding.inputs';
import { fundingLineListSpec } from './funding.service';

/** The funding module's fields on the compiled read path (src/shared/read-plan), as funding.resolver.ts reads them. */
defineTypeReads('FundingLine', {
  table: 'funding_line',
  fields: {
    source: column('source'),
    planned: eurosColumn('planned'),
    granted: eurosColumn('granted'),
    paid: eurosColumn('paid'),
    decisionDate: column('decision_date'),
    decisionReference: column('decision_reference'),
    ceilingOverrideReason: column('ceiling_override_reason'),
    version: column('version'),
    project: byForeignKey('Project', 'project', 'project_id'),
  },
});

defineRootReads({
  fundingLines: {
    kind: 'connection',
    type: 'FundingLine',
    list: (ctx, args) => fundingLineListSpec(ctx.viewer as Viewer, args.filter as FundingLineFilter | null, args.orderBy as FundingLineOrder | null),
  },
});
