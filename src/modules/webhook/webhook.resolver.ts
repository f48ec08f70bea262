import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs, type Connection } from '../../shared/relay/connection';
import { rootConnection } from '../../shared/relay/keyset';
import { encodePosition } from '../activity/activity.log';
import { filterValuesOf } from '../feed/activity-filter';
import { Webhook, WebhookDelivery } from './webhook.entity';
import { deliveryListSpec, ownWebhooks } from './webhook.service';
import { WebhookDeliveryConnection, WebhookFilter } from './webhook.types';

@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => [Webhook], { description: 'Your own webhooks, oldest first; empty for anonymous callers.' })
  webhooks(@Ctx() { em, viewer }: Context): Promise<Webhook[]> {
    return ownWebhooks(em, viewer);
  }

  @FieldResolver(() => WebhookFilter, { description: 'Which events the hook receives.' })
  filter(@Root() hook: Webhook): WebhookFilter {
    return filterValuesOf(hook.filter ?? {}) as WebhookFilter;
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'The delivery log: every attempt, newest first, with the answer or the error.' })
  deliveries(@Root() hook: Webhook, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { em }: Context): Promise<Connection<WebhookDelivery>> {
    return rootConnection(em, args, () => deliveryListSpec(hook.id));
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => String, { description: 'The event’s ID in the activity log (the `id` of the delivered JSON).' })
  eventId(@Root() delivery: WebhookDelivery): string {
    return String(delivery.eventId);
  }

  @FieldResolver(() => String, { description: 'The event’s position, as the cursor `activity(after:)` takes (the `position` of the delivered JSON).' })
  eventCursor(@Root() delivery: WebhookDelivery): string {
    return encodePosition({ xid: String(delivery.eventXid), id: String(delivery.eventId) });
  }
}
