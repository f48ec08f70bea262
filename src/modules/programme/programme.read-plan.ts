import { byForeignKey, column, defineRootReads, defineTypeReads } from '../../shared/read-plan/registry';
import type { ServiceContext } from '../auth/service-context';
import type { ProjectFilter, ProjectOrder } from '../project/project.inputs';
import { projectListSpec } from '../project/project.service';
import type { ProgrammeFilter, ProgrammeOrder } from './programme.inputs';
import { programmeListSpec } from './programme.service';

/** The programme module's fields on the compiled read path (src/shared/read-plan), as programme.resolver.ts reads them. */
defineTypeReads('Programme', {
  table: 'programme',
  fields: {
    code: column('code'),
    name: column('name'),
    scheme: column('scheme'),
    periodStart: column('period_start'),
    periodEnd: column('period_end'),
    description: column('description'),
    isDemo: column('is_demo'),
    version: column('version'),
    parent: byForeignKey('Programme', 'programme', 'parent_id'),
    administeringOrganisation: byForeignKey('Organisation', 'organisation', 'administering_organisation_id'),
    projects: {
      kind: 'connection',
      type: 'Project',
      list: (ctx, args) => projectListSpec(ctx as ServiceContext, args.filter as ProjectFilter | null, args.orderBy as ProjectOrder | null),
      parent: { column: 't.programme_id' },
    },
    children: {
      kind: 'connection',
      type: 'Programme',
      list: (ctx, args) => programmeListSpec(ctx.em, null, args.orderBy as ProgrammeOrder | null),
      parent: { column: 't.parent_id' },
    },
  },
});

defineRootReads({
  programmes: {
    kind: 'connection',
    type: 'Programme',
    list: (ctx, args) => programmeListSpec(ctx.em, args.filter as ProgrammeFilter | null, args.orderBy as ProgrammeOrder | null),
  },
  programme: {
    kind: 'object',
    type: 'Programme',
    from: (alias, args) => ({ sql: `from programme ${alias} where ${alias}.code = ?`, bindings: [args.code] }),
  },
});
