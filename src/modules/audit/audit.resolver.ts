import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs, ConnectionType, OrderDirection, type Connection } from '../../shared/relay/connection';
import { decodeGlobalId, decodeEntityId } from '../../shared/relay/global-id';
import { rootConnection, type ListSpec } from '../../shared/relay/keyset';
import { DateTime } from '../../shared/scalars';
import { GraphQLJSONObject } from 'graphql-scalars';
import { canReadAuditLog, canReadHistory } from '../auth/permissions';
import { hasSensitiveFields, redactChanges } from '../auth/sensitive-fields';
import { FundingLine } from '../funding/funding-line.entity';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Project } from '../project/project.entity';
import { reviewProgrammesByIdLoader } from '../overlap/overlap.service';
import { AuditEvent } from './audit-event.entity';
import { projectsById } from '../project/project.loaders';

export const AuditEventConnection = ConnectionType(AuditEvent, 'AuditEvent', 'audit events');

@InputType({ description: 'Filters for the audit log; all given conditions must hold.' })
export class AuditLogFilter {
  @Field(() => ID, { nullable: true, description: 'Only changes to this record (any global ID).' })
  entity?: string | null;

  @Field(() => String, { nullable: true, description: 'Only changes to records of this type, e.g. "Project".' })
  entityType?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only changes made by this account (an Account ID).' })
  account?: string | null;

  @Field(() => String, { nullable: true, description: 'Only changes made through this mutation, e.g. "updateProject".' })
  operation?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'Only changes at or after this instant.' })
  since?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Only changes before this instant.' })
  until?: Date | null;
}

function auditSpec(where: ListSpec<AuditEvent>['where']): ListSpec<AuditEvent> {
  return {
    entity: AuditEvent,
    table: 'audit_event',
    keyColumn: 'id',
    keyCast: 'bigint',
    sort: { sql: 't.id', cast: 'bigint' },
    direction: OrderDirection.DESC,
    where,
  };
}

/** A record's own change history, newest first. */
function history(ctx: Context, type: string, id: number, args: ConnectionArgs): Promise<Connection<AuditEvent>> {
  return ctx.loaders.nested.load(
    `${type}.history`,
    args,
    () => auditSpec((qb) => void qb.where('t.entity_type', type)),
    { column: 't.entity_id' },
    String(id),
  );
}

const HISTORY_DESCRIPTION = 'Changes to this record, newest first. Coordinators, analysts and the organisation’s own members; empty for others.';

@Resolver()
export class AuditLogResolver {
  // Empty rather than FORBIDDEN, so that a portal query asking for it beside other fields keeps them.
  @Query(() => AuditEventConnection, {
    description: 'Every recorded change, newest first. Coordinators and analysts; empty for others (see `viewer.viewerCanReadAuditLog`).',
  })
  auditLog(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: 'Conditions the events must meet.' }) filter: AuditLogFilter | null,
    @Ctx() { em, viewer }: Context,
  ): Promise<Connection<AuditEvent>> {
    if (!canReadAuditLog(viewer)) return Promise.resolve(emptyConnection());
    const entity = filter?.entity ? decodeGlobalId(filter.entity, 'filter.entity') : undefined;
    const accountId = filter?.account ? decodeEntityId(filter.account, ['Account'], 'filter.account') : undefined;
    return rootConnection(em, args, () =>
      auditSpec((qb) => {
        if (entity) qb.where({ 't.entity_type': entity.type, 't.entity_id': entity.key });
        if (filter?.entityType) qb.where('t.entity_type', filter.entityType);
        if (accountId !== undefined) qb.where('t.account_id', accountId);
        if (filter?.operation) qb.where('t.operation', filter.operation);
        if (filter?.since) qb.where('t.occurred_at', '>=', filter.since);
        if (filter?.until) qb.where('t.occurred_at', '<', filter.until);
      }),
    );
  }
}

function emptyConnection(): Connection<AuditEvent> {
  return {
    edges: [],
    nodes: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    totalCount: () => Promise.resolve(0),
  };
}

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @FieldResolver(() => GraphQLJSONObject, {
    description:
      'Changed fields: `{ field: { before, after } }`. Fields the viewer may not read on the record itself (internal notes, contact details) are left out.',
  })
  async changes(@Root() event: AuditEvent, @Ctx() { viewer, loaders }: Context): Promise<Record<string, unknown>> {
    if (!hasSensitiveFields(event.entityType)) return event.changes;
    const project = event.projectId != null ? await loaders.get(projectsById).load(event.projectId) : null;
    // A review's pair, read under row-level security: a viewer who may not read the review gets no programmes.
    const programmeIds = event.entityType === 'OverlapReview' ? await loaders.get('overlapReviewProgrammesById', reviewProgrammesByIdLoader).load(Number(event.entityId)) : undefined;
    return redactChanges(viewer, event.entityType, event.changes, { organisationId: event.organisationId, programmeId: project?.programme.id, programmeIds });
  }
}

@Resolver(() => Organisation)
export class OrganisationHistoryResolver {
  @FieldResolver(() => AuditEventConnection, { description: HISTORY_DESCRIPTION })
  history(@Root() organisation: Organisation, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context): Promise<Connection<AuditEvent>> {
    return canReadHistory(ctx.viewer, 'Organisation', organisation.id) ? history(ctx, 'Organisation', organisation.id, args) : Promise.resolve(emptyConnection());
  }
}

@Resolver(() => Project)
export class ProjectHistoryResolver {
  @FieldResolver(() => AuditEventConnection, { description: HISTORY_DESCRIPTION })
  history(@Root() project: Project, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context): Promise<Connection<AuditEvent>> {
    return canReadHistory(ctx.viewer, 'Project', project.id) ? history(ctx, 'Project', project.id, args) : Promise.resolve(emptyConnection());
  }
}

@Resolver(() => Programme)
export class ProgrammeHistoryResolver {
  @FieldResolver(() => AuditEventConnection, { description: HISTORY_DESCRIPTION })
  history(@Root() programme: Programme, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context): Promise<Connection<AuditEvent>> {
    return canReadHistory(ctx.viewer, 'Programme', programme.id) ? history(ctx, 'Programme', programme.id, args) : Promise.resolve(emptyConnection());
  }
}

@Resolver(() => FundingLine)
export class FundingLineHistoryResolver {
  @FieldResolver(() => AuditEventConnection, { description: HISTORY_DESCRIPTION })
  history(@Root() line: FundingLine, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context): Promise<Connection<AuditEvent>> {
    return canReadHistory(ctx.viewer, 'FundingLine', line.id) ? history(ctx, 'FundingLine', line.id, args) : Promise.resolve(emptyConnection());
  }
}
