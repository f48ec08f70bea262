import { Arg, Args, ArgsType, Ctx, Field, Int, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../shared/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../shared/relay/connection';
import type { Viewer } from '../auth/viewer';
import type { ActivityNotifier } from './activity.notifier';
import type { ActivityReads } from './activity.reads';
import { assertRetained, countActivity, decodePosition, readActivity, readActivityBefore } from './activity.log';
import { activityConditions, requestSql, startPosition } from './activity.service';
import { activityStream } from './activity.stream';
import { ActivityConnection, ActivityEvent, ActivityFilter } from './activity.types';

@ArgsType()
class ActivityArgs {
  @Field(() => ActivityFilter, { nullable: true, description: 'Which events.' })
  filter?: ActivityFilter | null;

  @Field(() => Int, { nullable: true, description: `How many events (1–${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Start after this event’s `cursor` (or `pageInfo.endCursor`); default: the start of the log.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `The last n events (1–${MAX_PAGE_SIZE}) before \`before\` (default: the newest): paging backwards.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'End before this event’s `cursor` (or `pageInfo.startCursor`); use with `last`.' })
  before?: string | null;
}

/** What a subscription's context carries (built per WebSocket connection, see src/web/subscriptions.ts). */
export interface SubscriptionContext {
  /** The instance's shared, bounded reads of the log. */
  reads: ActivityReads;
  notifier: ActivityNotifier;
  /** The subscriber as of now: its token re-checked at most every few seconds (throws when it no longer works). */
  viewer: () => Promise<Viewer>;
}

type ActivityConnectionShape = InstanceType<typeof ActivityConnection>;

@Resolver(() => ActivityEvent)
export class ActivityResolver {
  @Query(() => ActivityConnection, {
    description:
      'The activity log, oldest first: every committed change others may care about, that the viewer may see. Page forwards with `first`/`after` or backwards from the newest with `last`/`before`; an event’s `cursor` also resumes the `activity` subscription.',
  })
  async activity(@Args(() => ActivityArgs) args: ActivityArgs, @Ctx() { em }: Context): Promise<ActivityConnectionShape> {
    const backwards = args.last != null || args.before != null;
    if (backwards && (args.first != null || args.after != null)) {
      throw badUserInput('Page forwards (`first`, `after`) or backwards (`last`, `before`), not both', args.first != null ? 'first' : 'after');
    }
    const [size, sizeName] = backwards ? [args.last ?? DEFAULT_PAGE_SIZE, 'last'] : [args.first ?? DEFAULT_PAGE_SIZE, 'first'];
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw badUserInput(`\`${sizeName}\` must be between 1 and ${MAX_PAGE_SIZE}, got ${size}`, sizeName);
    }
    const conditions = activityConditions(args.filter);
    const run = requestSql(em);
    if (args.after != null) await assertRetained(run, decodePosition(args.after, 'after'), 'after');
    const rows = backwards
      ? await readActivityBefore(run, args.before == null ? null : decodePosition(args.before, 'before'), conditions, size + 1)
      : await readActivity(run, startPosition(args.after, 'after'), conditions, size + 1);
    const more = rows.length > size;
    const page = (backwards ? rows.slice(more ? 1 : 0) : rows.slice(0, size)).map((row) => ActivityEvent.from(row));
    const edges = page.map((node) => ({ cursor: node.cursor, node }));
    return {
      edges,
      nodes: page,
      pageInfo: {
        hasNextPage: backwards ? args.before != null : more,
        hasPreviousPage: backwards ? more : args.after != null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.length ? edges[edges.length - 1].cursor : (args.after ?? null),
      },
      // A function: graphql-js calls it only when `totalCount` is selected (a count over the whole log).
      totalCount: () => countActivity(run, conditions),
    } as unknown as ActivityConnectionShape;
  }

  @Subscription(() => ActivityEvent, {
    name: 'activity',
    description:
      'Activity as it happens (graphql-ws on /graphql). With `after`, first every stored event after that cursor that the subscriber may see, then new ones, with no gap and no repeat between them; without it, new events only. Reconnect with the last `cursor` received to resume.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { filter?: ActivityFilter | null; after?: string | null }, SubscriptionContext>) => {
      const conditions = activityConditions(args.filter);
      const after = args.after == null ? 'end' : decodePosition(args.after, 'after');
      return activityStream({ reads: context.reads, notifier: context.notifier, viewer: context.viewer, conditions, after });
    },
  })
  activitySubscription(
    @Root() event: ActivityEvent,
    @Arg('filter', () => ActivityFilter, { nullable: true, description: 'Which events.' }) _filter?: ActivityFilter | null,
    @Arg('after', () => String, { nullable: true, description: 'Replay from just after this event’s `cursor`; leave out for new events only.' }) _after?: string | null,
  ): ActivityEvent {
    return event;
  }
}

