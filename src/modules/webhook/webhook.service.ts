import type { EntityManager } from '@mikro-orm/postgresql';
import type { WebhookConfig } from '../../config';
import { OrderDirection } from '../../shared/relay/connection';
import type { ListSpec } from '../../shared/relay/keyset';
import { UserErrorCode, userError, type UserError } from '../../shared/mutations/user-error';
import { canWrite, isCoordinator, type Viewer } from '../auth/viewer';
import { checkActivityFilter, type StoredActivityFilter } from '../feed/activity-filter';
import { Webhook, WebhookDelivery } from './webhook.entity';
import { parseTargetUrl, RefusedTarget, resolveTarget, type Resolver, type TargetPolicy } from './webhook.http';
import type { ActivityFilter } from '../activity/activity.types';

/** What webhook resolvers need beyond the request context: the operator's target policy. */
export interface WebhookContext {
  webhooks: Pick<WebhookConfig, 'allowHosts' | 'allowCidrs'>;
}

/**
 * Who receives webhooks: programme coordinators (admins included) and verified members of an
 * organisation, reading what they may read. Checked when a hook is registered and again at every
 * delivery, with the account's rights at that moment.
 */
export function mayReceiveWebhooks(viewer: Viewer): boolean {
  return isCoordinator(viewer) || viewer.verifiedOrganisationIds.length > 0;
}

export function mayRegisterWebhooks(viewer: Viewer): boolean {
  return canWrite(viewer) && mayReceiveWebhooks(viewer);
}

/** The filter input, checked, with problems as userErrors under `input.filter`. */
export function checkWebhookFilter(input: ActivityFilter | null | undefined, errors: UserError[]): StoredActivityFilter | null {
  const checked = checkActivityFilter(input ?? {});
  for (const problem of checked.problems) errors.push(userError(UserErrorCode.INVALID_VALUE, `input.filter.${problem.field}`, problem.message));
  return checked.filter;
}

/**
 * The URL, checked as a delivery will check it (scheme, then every address the host resolves to),
 * so that a refused target is an error now rather than a hook that can never deliver.
 */
export async function checkWebhookUrl(url: string, policy: TargetPolicy, errors: UserError[], resolve?: Resolver): Promise<void> {
  const parsed = parseTargetUrl(url);
  if (typeof parsed === 'string') {
    errors.push(userError(UserErrorCode.INVALID_URL, 'input.url', parsed));
    return;
  }
  try {
    await resolveTarget(parsed, policy, resolve);
  } catch (error) {
    if (!(error instanceof RefusedTarget)) throw error;
    errors.push(userError(UserErrorCode.INVALID_URL, 'input.url', error.message));
  }
}

/** A hook's delivery log, newest first (row-level security: the hook's owner and admins). */
export function deliveryListSpec(webhookId: number): ListSpec<WebhookDelivery> {
  return {
    entity: WebhookDelivery,
    table: 'webhook_delivery',
    keyColumn: 'id',
    keyCast: 'bigint',
    sort: { sql: 't."id"', cast: 'bigint' },
    direction: OrderDirection.DESC,
    where: (qb) => void qb.where('t.webhook_id', webhookId),
  };
}

/** The viewer's own hooks, oldest first (none for anonymous callers). */
export async function ownWebhooks(em: EntityManager, viewer: Viewer): Promise<Webhook[]> {
  if (viewer.accountId === null) return [];
  return em.find(Webhook, { account: viewer.accountId }, { orderBy: { id: 'asc' } });
}
