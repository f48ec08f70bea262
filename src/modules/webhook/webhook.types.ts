import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../shared/mutations/user-error';
import { MutationPayload } from '../../shared/mutations/payload';
import { ConnectionType } from '../../shared/relay/connection';
import { ActivityType } from '../activity/activity.enums';
import { ActivityFilter } from '../activity/activity.types';
import { Scheme } from '../programme/programme.enums';
import { Webhook, WebhookDelivery } from './webhook.entity';

@ObjectType({ description: 'The filter of a webhook, as registered.', simpleResolvers: true })
export class WebhookFilter {
  @Field(() => [ActivityType], { description: 'Kinds of event; empty: every kind.' })
  kinds!: ActivityType[];

  @Field(() => [Scheme], { description: 'Schemes; empty: any.' })
  schemes!: Scheme[];

  @Field(() => [ID], { description: 'Programme IDs; empty: any.' })
  programmes!: string[];

  @Field(() => [ID], { description: 'Organisation IDs; empty: any.' })
  organisations!: string[];

  @Field(() => [ID], { description: 'Project IDs; empty: any.' })
  projects!: string[];

  @Field(() => [String], { description: 'Postal codes; empty: any.' })
  postalCodes!: string[];

  @Field(() => Boolean, { description: 'Only events across the urban–rural divide.' })
  crossDivideOnly!: boolean;
}

@InputType({ description: 'A new webhook for the calling account.' })
export class RegisterWebhookInput {
  @Field(() => String, { description: 'Where to POST events: an http(s) URL on a public address (loopback, private and link-local addresses are refused).' })
  url!: string;

  @Field(() => ActivityFilter, { nullable: true, description: 'Which events; by default every event the account may see.' })
  filter?: ActivityFilter | null;

  @Field(() => String, { nullable: true, description: 'What the hook is for (at most 500 characters).' })
  description?: string | null;
}

@InputType({ description: 'Changes to one of your webhooks; fields left out stay as they are.' })
export class UpdateWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'A new URL (checked as in registerWebhook).' })
  url?: string | null;

  @Field(() => ActivityFilter, { nullable: true, description: 'A new filter; it applies from the next event on.' })
  filter?: ActivityFilter | null;

  @Field(() => String, { nullable: true, description: 'A new description.' })
  description?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'False disables the hook; true enables a disabled one, which resumes at the event it stopped at with its failure count reset.',
  })
  enabled?: boolean | null;
}

@InputType({ description: 'Delete one of your webhooks, with its delivery log.' })
export class DeleteWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;
}

@ObjectType({ description: 'Result of `registerWebhook`: the signing secret is shown here once and never again.' })
export class RegisterWebhookPayload {
  @Field(() => Webhook, { nullable: true, description: 'The new webhook; null when userErrors are returned.' })
  webhook!: Webhook | null;

  @Field(() => String, {
    nullable: true,
    description: 'The secret that signs deliveries (`X-Silta-Signature: sha256=<hex HMAC-SHA256 of "<X-Silta-Timestamp>.<body>">`). Store it now.',
  })
  secret!: string | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success. Nothing is written when there are any.' })
  userErrors!: UserError[];
}

export const UpdateWebhookPayload = MutationPayload('UpdateWebhook', 'webhook', Webhook, 'webhook');

@ObjectType({ description: 'Result of `deleteWebhook`.' })
export class DeleteWebhookPayload {
  @Field(() => ID, { nullable: true, description: 'The ID of the deleted webhook; null when userErrors are returned.' })
  deletedWebhookId!: string | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success. Nothing is written when there are any.' })
  userErrors!: UserError[];
}

export const WebhookDeliveryConnection = ConnectionType(WebhookDelivery, 'WebhookDelivery', 'delivery attempts');
