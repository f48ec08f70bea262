import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { forbidden } from '../../shared/errors';
import { requireWriter, runMutation } from '../mutation/mutation.runner';
import { assertNoUserErrors, refusal, UserErrorCode, type UserError } from '../../shared/mutations/user-error';
import { Checks } from '../../shared/mutations/validation';
import { decodeEntityId } from '../../shared/relay/global-id';
import { Account } from '../auth/account.entity';
import { Webhook } from './webhook.entity';
import { WebhookStatus } from './webhook.enums';
import { checkWebhookFilter, checkWebhookUrl, mayRegisterWebhooks, type WebhookContext } from './webhook.service';
import { generateSigningSecret } from './webhook.signing';
import {
  DeleteWebhookInput,
  DeleteWebhookPayload,
  RegisterWebhookInput,
  RegisterWebhookPayload,
  UpdateWebhookInput,
  UpdateWebhookPayload,
} from './webhook.types';

const WHO = 'Programme coordinators and verified members of an organisation (with a read-write token).';

function requireRegistrar(ctx: Context): void {
  requireWriter(ctx);
  if (!mayRegisterWebhooks(ctx.viewer)) throw forbidden('Webhooks are for programme coordinators and verified members of an organisation');
}

/** One of the viewer's own hooks (row-level security shows admins others' too; they are not theirs to change here). */
async function ownHook(em: Parameters<Parameters<typeof runMutation>[2]>[0]['em'], ctx: Context, id: string): Promise<Webhook> {
  const key = decodeEntityId(id, ['Webhook'], 'input.id');
  const hook = await em.findOne(Webhook, { id: key, account: ctx.viewer.accountId! });
  if (!hook) throw refusal(UserErrorCode.NOT_FOUND, 'input.id', `No webhook ${id}`);
  return hook;
}

@Resolver()
export class WebhookMutationResolver {
  @Mutation(() => RegisterWebhookPayload, {
    nullable: true,
    description: `Register a webhook: every activity event the account may see and the filter matches is POSTed to the URL as signed JSON, in log order, once. ${WHO}`,
  })
  async registerWebhook(@Arg('input', () => RegisterWebhookInput, { description: 'The webhook.' }) input: RegisterWebhookInput, @Ctx() ctx: Context & WebhookContext) {
    requireRegistrar(ctx);
    let secret: string | null = null;
    const outcome = await runMutation(ctx, { operation: 'registerWebhook' }, async ({ em }) => {
      const checks = new Checks().required(input.url, 'input.url').maxLength(input.description, 500, 'input.description');
      const errors: UserError[] = checks.errors;
      const filter = checkWebhookFilter(input.filter, errors);
      if (input.url) await checkWebhookUrl(input.url, ctx.webhooks, errors);
      assertNoUserErrors(errors);
      secret = generateSigningSecret();
      return em.create(Webhook, {
        account: em.getReference(Account, ctx.viewer.accountId!),
        url: input.url,
        description: input.description ?? null,
        filter: filter!,
        signingSecret: secret,
      });
    });
    // The cursor and next attempt are the database's defaults: read the row back for the answer.
    const webhook = outcome.result ? await ctx.em.findOne(Webhook, { id: outcome.result.id }) : null;
    return { webhook, secret: webhook ? secret : null, userErrors: outcome.userErrors };
  }

  @Mutation(() => UpdateWebhookPayload, { nullable: true, description: `Change, disable or re-enable one of your webhooks. ${WHO}` })
  async updateWebhook(@Arg('input', () => UpdateWebhookInput, { description: 'The changes.' }) input: UpdateWebhookInput, @Ctx() ctx: Context & WebhookContext) {
    requireRegistrar(ctx);
    const outcome = await runMutation(ctx, { operation: 'updateWebhook' }, async ({ em }) => {
      const hook = await ownHook(em, ctx, input.id);
      const errors: UserError[] = new Checks().maxLength(input.description, 500, 'input.description').errors;
      if (input.url != null) await checkWebhookUrl(input.url, ctx.webhooks, errors);
      const filter = input.filter != null ? checkWebhookFilter(input.filter, errors) : null;
      assertNoUserErrors(errors);
      if (input.url != null) hook.url = input.url;
      if (filter) hook.filter = filter;
      if (input.description !== undefined) hook.description = input.description;
      if (input.enabled === false && hook.status === WebhookStatus.ACTIVE) {
        hook.status = WebhookStatus.DISABLED;
        hook.disabledReason = 'Disabled by its owner';
        hook.disabledAt = new Date();
        hook.nextAttemptAt = null;
      } else if (input.enabled === true && hook.status === WebhookStatus.DISABLED) {
        hook.status = WebhookStatus.ACTIVE;
        hook.disabledReason = null;
        hook.disabledAt = null;
        hook.consecutiveFailures = 0;
        hook.nextAttemptAt = new Date();
      }
      return hook;
    });
    return { webhook: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => DeleteWebhookPayload, { nullable: true, description: `Delete one of your webhooks and its delivery log. ${WHO}` })
  async deleteWebhook(@Arg('input', () => DeleteWebhookInput, { description: 'Which webhook.' }) input: DeleteWebhookInput, @Ctx() ctx: Context) {
    requireRegistrar(ctx);
    const outcome = await runMutation(ctx, { operation: 'deleteWebhook' }, async ({ em }) => {
      const hook = await ownHook(em, ctx, input.id);
      const id = hook.globalId;
      em.remove(hook);
      return { id };
    });
    return { deletedWebhookId: outcome.result?.id ?? null, userErrors: outcome.userErrors };
  }
}
