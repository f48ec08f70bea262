import { column, defineRootReads, defineTypeReads } from '../../shared/read-plan/registry';
import { participationSpec } from '../project/project.resolver';
import type { ParticipationRole } from '../project/project.enums';
import type { OrganisationFilter, OrganisationOrder } from './organisation.inputs';
import { businessIdArgument } from './organisation.resolver';
import { organisationListSpec } from './organisation.service';

/**
 * The organisation module's fields on the compiled read path (src/shared/read-plan). Internal notes
 * and contact people are not here: what they show depends on who asks (organisation.resolver.ts).
 */
defineTypeReads('Organisation', {
  table: 'organisation',
  fields: {
    name: column('name'),
    type: column('type'),
    businessId: column('business_id'),
    associationRegisterNumber: column('association_register_number'),
    website: column('website'),
    description: column('description'),
    isDemo: column('is_demo'),
    version: column('version'),
    participations: {
      kind: 'connection',
      type: 'Participation',
      list: (_ctx, args) => participationSpec(args.role as ParticipationRole | null | undefined),
      parent: { column: 't.organisation_id' },
    },
  },
});

defineRootReads({
  organisations: {
    kind: 'connection',
    type: 'Organisation',
    list: (ctx, args) => organisationListSpec(ctx.em, args.filter as OrganisationFilter | null, args.orderBy as OrganisationOrder | null),
  },
  organisation: {
    kind: 'object',
    type: 'Organisation',
    from: (alias, args) => ({ sql: `from organisation ${alias} where ${alias}.business_id = ?`, bindings: [businessIdArgument(args.businessId as string)] }),
  },
});
