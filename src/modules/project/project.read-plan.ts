import { byForeignKey, column, defineRootReads, definePlainTypes, defineTypeReads, eurosColumn } from '../../shared/read-plan/registry';
import { fundingTotalsFromJson, projectFundingTotalsSummedJson } from '../funding/funding-totals';
import { ParticipationRole } from './project.enums';
import { participationSpec, projectFundingLinesSpec } from './project.resolver';
import { projectListSpec } from './project.service';
import type { ProjectFilter, ProjectOrder } from './project.inputs';
import type { ServiceContext } from '../auth/service-context';
import type { ParticipationRole as Role } from './project.enums';

/**
 * The project module's fields on the compiled read path (src/shared/read-plan): the same tables and
 * rules as the resolvers and loaders in project.resolver.ts. Internal notes are not here: they depend
 * on who asks, so an operation that selects them goes through the resolvers.
 */
defineTypeReads('Project', {
  table: 'project',
  fields: {
    code: column('code'),
    euraCode: column('eura_code'),
    hyrraNumber: column('hyrra_number'),
    recordNumber: column('record_number'),
    title: column('title'),
    summary: column('summary'),
    purpose: column('purpose'),
    achievements: column('achievements'),
    status: column('status'),
    plannedStart: column('planned_start'),
    plannedEnd: column('planned_end'),
    actualStart: column('actual_start'),
    actualEnd: column('actual_end'),
    isDemo: column('is_demo'),
    version: column('version'),
    programme: byForeignKey('Programme', 'programme', 'programme_id'),
    parent: byForeignKey('Project', 'project', 'parent_id'),
    leadOrganisation: {
      kind: 'object',
      type: 'Organisation',
      // The first LEAD, as leadOrganisationLoader picks it.
      from: (row, alias) =>
        `from participation ${alias}_p join organisation ${alias} on ${alias}.id = ${alias}_p.organisation_id
          where ${alias}_p.project_id = ${row}.id and ${alias}_p.role = '${ParticipationRole.LEAD}' order by ${alias}_p.id limit 1`,
    },
    fundingTotals: { kind: 'value', sql: projectFundingTotalsSummedJson, value: fundingTotalsFromJson },
    participations: {
      kind: 'connection',
      type: 'Participation',
      list: (_ctx, args) => participationSpec(args.role as Role | null | undefined),
      parent: { column: 't.project_id' },
    },
    children: {
      kind: 'connection',
      type: 'Project',
      list: (ctx, args) => projectListSpec(ctx as ServiceContext, null, args.orderBy as ProjectOrder | null),
      parent: { column: 't.parent_id' },
    },
    fundingLines: { kind: 'connection', type: 'FundingLine', list: () => projectFundingLinesSpec(), parent: { column: 't.project_id' } },
  },
});

defineTypeReads('Participation', {
  table: 'participation',
  fields: {
    role: column('role'),
    budgetShare: eurosColumn('budget_share'),
    version: column('version'),
    project: byForeignKey('Project', 'project', 'project_id'),
    organisation: byForeignKey('Organisation', 'organisation', 'organisation_id'),
  },
});

definePlainTypes('FundingTotals', 'SourceTotals');

defineRootReads({
  projects: {
    kind: 'connection',
    type: 'Project',
    list: (ctx, args) => projectListSpec(ctx as ServiceContext, args.filter as ProjectFilter | null, args.orderBy as ProjectOrder | null),
  },
  project: {
    kind: 'object',
    type: 'Project',
    from: (alias, args) => ({ sql: `from project ${alias} where ${alias}.code = ?`, bindings: [args.code] }),
  },
});
