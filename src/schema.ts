import { ImportMutationResolver } from './modules/exchange/import.mutations';
import { createPubSub } from '@graphql-yoga/subscription';
import { ActivityResolver } from './modules/activity/activity.resolver';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { FundingMutationResolver } from './modules/funding/funding.mutations';
import { FundingLineResolver } from './modules/funding/funding.resolver';
import { MunicipalityResolver, PostalAreaResolver } from './modules/geography/geography.resolver';
import { NodeResolver } from './modules/node/node.resolver';
import { ContactPersonResolver, OrganisationResolver } from './modules/organisation/organisation.resolver';
import { ApiTokenMutationResolver } from './modules/auth/token.mutations';
import { ViewerResolver } from './modules/auth/viewer.resolver';
import {
  AuditEventResolver,
  AuditLogResolver,
  FundingLineHistoryResolver,
  OrganisationHistoryResolver,
  ProgrammeHistoryResolver,
  ProjectHistoryResolver,
} from './modules/audit/audit.resolver';
import { OverlapMutationResolver } from './modules/overlap/overlap.mutations';
import {
  OverlapResolver,
  OverlapReviewResolver,
  OverlapSignalResolver,
  ProjectOverlapEdgeResolver,
  ProjectOverlapResolver,
} from './modules/overlap/overlap.resolver';
import { OrganisationMutationResolver } from './modules/organisation/organisation.mutations';
import { ProgrammeMutationResolver } from './modules/programme/programme.mutations';
import { ProgrammeAreaResolver, ProgrammeFunderResolver, ProgrammeResolver } from './modules/programme/programme.resolver';
import { ProjectMutationResolver } from './modules/project/project.mutations';
import { ParticipationResolver, ProjectResolver } from './modules/project/project.resolver';
import { VocabularyMutationResolver } from './modules/project/vocabulary.mutations';
import { TargetGroupResolver, ThemeResolver } from './modules/project/vocabulary.resolver';
import { PostMutationResolver } from './modules/post/post.mutations';
import { OrganisationPostResolver, PostResolver, ProjectPostResolver } from './modules/post/post.resolver';
import { WebhookMutationResolver } from './modules/webhook/webhook.mutations';
import { WebhookDeliveryResolver, WebhookResolver } from './modules/webhook/webhook.resolver';
import { SearchResolver } from './modules/search/search.resolver';
import { ProgrammeSummaryResolver, SummaryResolver, ThemeSummaryResolver } from './modules/summary/summary.resolver';
import { DateTime, outputErrorsAreInternal } from './shared/scalars';
// The modules' SQL reads for the compiled read path (src/shared/read-plan), declared beside their resolvers.
import './modules/funding/funding.read-plan';
import './modules/organisation/organisation.read-plan';
import './modules/programme/programme.read-plan';
import './modules/project/project.read-plan';

export const resolvers = [
  NodeResolver,
  OrganisationResolver,
  ContactPersonResolver,
  ViewerResolver,
  ApiTokenMutationResolver,
  OrganisationMutationResolver,
  AuditLogResolver,
  AuditEventResolver,
  OrganisationHistoryResolver,
  ProjectHistoryResolver,
  ProgrammeHistoryResolver,
  FundingLineHistoryResolver,
  ProgrammeResolver,
  ProgrammeAreaResolver,
  ProgrammeFunderResolver,
  ProgrammeMutationResolver,
  ProjectResolver,
  ParticipationResolver,
  ProjectMutationResolver,
  FundingLineResolver,
  FundingMutationResolver,
  MunicipalityResolver,
  PostalAreaResolver,
  ThemeResolver,
  TargetGroupResolver,
  VocabularyMutationResolver,
  SearchResolver,
  SummaryResolver,
  ProgrammeSummaryResolver,
  ThemeSummaryResolver,
  OverlapResolver,
  OverlapSignalResolver,
  OverlapReviewResolver,
  ProjectOverlapEdgeResolver,
  ProjectOverlapResolver,
  OverlapMutationResolver,
  ActivityResolver,
  PostResolver,
  OrganisationPostResolver,
  ProjectPostResolver,
  PostMutationResolver,
  WebhookResolver,
  WebhookDeliveryResolver,
  WebhookMutationResolver,
  ImportMutationResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once per process from the decorated classes. */
export function buildSiltaSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    scalarsMap: [{ type: Date, scalar: DateTime }],
    // type-graphql requires a PubSub as soon as there is a subscription, for topic-based ones. Silta's
    // only subscription has its own source (the activity log, activity.stream.ts), so nothing is ever
    // published here; it is a real in-process PubSub all the same, ready for topic subscriptions.
    pubSub: createPubSub(),
    // Arguments are validated by the services, which know the argument names and codes to report.
    validate: false,
  })
    .then(describeRoots)
    .then(outputErrorsAreInternal);
  return built;
}

/** type-graphql has no option for the root types' descriptions; graphql-js objects take them as plain fields. */
function describeRoots(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  if (subscription) {
    subscription.description =
      'Following the graph as it changes, over WebSocket (graphql-ws) on /graphql: send the API token in `connection_init` as `{ "authorization": "Bearer …" }`.';
  }
  if (query) {
    query.description =
      'Reading the graph: organisations, programmes, projects and funding of Kake (urban) and Leader (rural), with Finnish reference geography. Anonymous callers see published data; signing in shows more (see `viewer`).';
  }
  if (mutation) {
    mutation.description =
      'Changing the graph. Every mutation needs `Authorization: Bearer <token>`, runs in one transaction, is recorded in the audit trail, and returns `userErrors` for expected problems (nothing is written when there are any).';
  }
  return schema;
}

export const SCHEMA_HEADER =
  '# Generated from the code by `npm run fix:schema`: do not edit. CI fails when it is out of date (`npm run check:schema`).\n\n';

/** The committed schema.graphql: sorted, so that it is stable across builds. */
export function printSiltaSchema(schema: GraphQLSchema): string {
  return SCHEMA_HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
}
