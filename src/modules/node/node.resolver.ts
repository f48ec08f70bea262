import DataLoader from 'dataloader';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../shared/errors';
import { entityLoader } from '../../shared/loaders';
import { decodeGlobalId } from '../../shared/relay/global-id';
import { MAX_PAGE_SIZE } from '../../shared/relay/connection';
import { Node } from '../../shared/relay/node.interface';
import { AuditEvent } from '../audit/audit-event.entity';
import { Account, ApiToken } from '../auth/account.entity';
import { canReadHistory } from '../auth/permissions';
import { ContactPerson } from '../organisation/contact-person.entity';
import { Webhook, WebhookDelivery } from '../webhook/webhook.entity';
import { Overlap, OverlapReview } from '../overlap/overlap.entity';
import { readActivityByIds } from '../activity/activity.log';
import { requestSql } from '../activity/activity.service';
import { ActivityEvent } from '../activity/activity.types';
import { postLoaders } from '../post/post.resolver';
import { ExternalId } from '../organisation/external-id.entity';
import {
  ProgrammeArea,
  ProgrammeCeiling,
  ProgrammeDecision,
  ProgrammeFunder,
  ProgrammeObjective,
} from '../programme/programme-parts.entity';
import { fundingLinesById } from '../funding/funding.loaders';
import { municipalitiesByCode, postalAreasByCode } from '../geography/geography.loaders';
import { organisationsById } from '../organisation/organisation.loaders';
import { participationsById, projectsById, targetGroupsById, themesById } from '../project/project.loaders';
import { programmesById } from '../programme/programme.loaders';

type NodeLoader = Pick<DataLoader<number | string, object | null>, 'load'>;

/** Reference data is keyed by its code; everything else by a positive integer. */
const CODE_KEYS: Record<string, RegExp> = { Municipality: /^\d{3}$/, PostalArea: /^\d{5}$/ };

/**
 * How `node(id:)` fetches each Node type: through a per-request loader (so `nodes(ids:)` batches by
 * type) that returns exactly what the viewer reaches through the normal roads, and null otherwise.
 * A schema test checks that every type implementing Node has a row here.
 */
export const NODE_LOADERS: Record<string, (ctx: Context) => NodeLoader> = {
  Organisation: ({ loaders }) => loaders.get(organisationsById),
  Programme: ({ loaders }) => loaders.get(programmesById),
  Project: ({ loaders }) => loaders.get(projectsById),
  Participation: ({ loaders }) => loaders.get(participationsById),
  FundingLine: ({ loaders }) => loaders.get(fundingLinesById),
  Theme: ({ loaders }) => loaders.get(themesById),
  TargetGroup: ({ loaders }) => loaders.get(targetGroupsById),
  Municipality: ({ loaders }) => loaders.get(municipalitiesByCode),
  PostalArea: ({ loaders }) => loaders.get(postalAreasByCode),
  // Organisations and programmes are public, and so are their parts; contact people's e-mail and
  // phone stay behind ContactPersonResolver, whichever road leads to them.
  ContactPerson: ({ loaders }) => loaders.get('contactPeopleById', (em) => entityLoader(em, ContactPerson, 'id')),
  ExternalId: ({ loaders }) => loaders.get('externalIdsById', (em) => entityLoader(em, ExternalId, 'id')),
  ProgrammeArea: ({ loaders }) => loaders.get('programmeAreasById', (em) => entityLoader(em, ProgrammeArea, 'id')),
  ProgrammeCeiling: ({ loaders }) => loaders.get('programmeCeilingsById', (em) => entityLoader(em, ProgrammeCeiling, 'id')),
  ProgrammeDecision: ({ loaders }) => loaders.get('programmeDecisionsById', (em) => entityLoader(em, ProgrammeDecision, 'id')),
  ProgrammeFunder: ({ loaders }) => loaders.get('programmeFundersById', (em) => entityLoader(em, ProgrammeFunder, 'id')),
  ProgrammeObjective: ({ loaders }) => loaders.get('programmeObjectivesById', (em) => entityLoader(em, ProgrammeObjective, 'id')),
  // Row-level security decides, as for `overlaps` and `Overlap.review`: a finding involving a project
  // the viewer may not see, or a review the viewer may not read, is null.
  Overlap: ({ loaders }) => loaders.get('overlapsById', (em) => entityLoader(em, Overlap, 'id')),
  OverlapReview: ({ loaders }) => loaders.get('overlapReviewsById', (em) => entityLoader(em, OverlapReview, 'id')),
  // Row-level security decides, as for `activity`.
  ActivityEvent: ({ loaders, em }) =>
    loaders.get('activityEventsById', () => new DataLoader<number | string, object | null>(async (ids) => {
      const rows = await readActivityByIds(requestSql(em), ids.map(String));
      const byId = new Map(rows.map((row) => [row.id, ActivityEvent.from(row)]));
      return ids.map((id) => byId.get(String(id)) ?? null);
    })),
  // Row-level security decides (silta_sees_post), as for `posts`.
  Post: (ctx) => postLoaders.postsById(ctx),
  // Accounts and tokens are reachable only through `viewer`: the caller's own, nobody else's.
  Account: ({ loaders }) => loaders.get('accountsById', (em, viewer) => entityLoader(em, Account, 'id', { id: viewer.accountId ?? 0 })),
  ApiToken: ({ loaders }) =>
    loaders.get('apiTokensById', (em, viewer) => entityLoader(em, ApiToken, 'id', { account: viewer.accountId ?? 0 })),
  // Webhooks, like tokens, through the owner only (row-level security would also show them to admins).
  Webhook: ({ loaders }) => loaders.get('webhooksById', (em, viewer) => entityLoader(em, Webhook, 'id', { account: viewer.accountId ?? 0 })),
  WebhookDelivery: ({ loaders }) =>
    loaders.get('webhookDeliveriesById', (em, viewer) => entityLoader(em, WebhookDelivery, 'id', { webhook: { account: viewer.accountId ?? 0 } })),
  // The same rule as `auditLog` and the `history` fields.
  AuditEvent: ({ loaders }) =>
    loaders.get('auditEventsById', (em, viewer) => {
      const events = entityLoader(em, AuditEvent, 'id');
      return {
        load: async (key: number | string) => {
          const event = await events.load(key);
          return event && canReadHistory(viewer, event.entityType, event.entityId) ? event : null;
        },
      };
    }),
};

/** Fetches any Node by global ID; an ID of a type that is not a Node, or a malformed key, is BAD_USER_INPUT. */
function loadNode(ctx: Context, id: string, argumentName: string): Promise<object | null> {
  const { type, key } = decodeGlobalId(id, argumentName);
  const loader = Object.hasOwn(NODE_LOADERS, type) ? NODE_LOADERS[type] : undefined;
  const numeric = Number(key);
  const validKey = CODE_KEYS[type] ? CODE_KEYS[type].test(key) : /^\d+$/.test(key) && Number.isSafeInteger(numeric) && numeric > 0;
  if (!loader || !validKey) throw badUserInput(`"${id}" is not a valid Silta ID`, argumentName);
  return loader(ctx).load(CODE_KEYS[type] ? key : numeric);
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID; null when it does not exist or the caller may not see it.' })
  node(@Arg('id', () => ID, { description: 'A global ID from an `id` field.' }) id: string, @Ctx() ctx: Context): Promise<object | null> {
    return loadNode(ctx, id, 'id');
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: `Objects by global ID, in the order given (null for those that do not exist or are hidden from the caller); at most ${MAX_PAGE_SIZE} IDs.`,
  })
  nodes(@Arg('ids', () => [ID], { description: 'Global IDs from `id` fields.' }) ids: string[], @Ctx() ctx: Context): Promise<(object | null)[]> {
    if (ids.length > MAX_PAGE_SIZE) throw badUserInput(`At most ${MAX_PAGE_SIZE} IDs at a time; got ${ids.length}`, 'ids');
    return Promise.all(ids.map((id, index) => loadNode(ctx, id, `ids[${index}]`)));
  }
}
