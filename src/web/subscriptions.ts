/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol) on the same port and path as
 * HTTP, /graphql. The WebSocket path skips Apollo's plugins, so what they do for HTTP is done here
 * too: the token from `connection_init` authenticates (and is re-checked before reads of the log,
 * at most REAUTHENTICATE_MS apart, so a revoked token ends the subscription within that), the same depth, alias, directive and token limits
 * and the same cost price and per-client budget apply when a subscription starts, the same input
 * checks run, and errors leave through the same masking. Only subscriptions are served here:
 * queries and mutations go over HTTP, with their request transaction.
 */
import type http from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { getOperationAST, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Config } from '../config';
import type { Authenticator } from '../modules/auth/authenticate';
import type { Viewer } from '../modules/auth/viewer';
import type { ActivityNotifier } from '../modules/activity/activity.notifier';
import { ActivityReads } from '../modules/activity/activity.reads';
import type { SubscriptionContext } from '../modules/activity/activity.resolver';
import { formatSiltaError } from '../shared/format-error';
import { checkRequestInput } from '../shared/input/request-input';
import { clientKey } from '../shared/limits/cost-plugin';
import type { BudgetStore } from '../shared/limits/budget-store';
import { LimitCode, LimitError } from '../shared/limits/limits.errors';
import { requestedCost } from '../shared/limits/query-cost';
import { parseOptions, staticLimitRules } from '../shared/limits/static-limits';

interface ConnectionState {
  authorization: string | undefined;
  viewer: Viewer;
  ip: string | undefined;
}

/** The bearer token of `connection_init`: `{ "authorization": "Bearer …" }` (also `Authorization`, or `token`). */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const given = params?.authorization ?? params?.Authorization ?? (typeof params?.token === 'string' ? `Bearer ${params.token}` : undefined);
  return typeof given === 'string' ? given : undefined;
}

/**
 * How long a token's check stands before a subscriber's next read checks it again. Checking before
 * every read cost a query per subscriber per event; now a revoked token, a disabled account or a
 * lost membership takes effect on that token's subscriptions within this bound (plus one read).
 */
export const REAUTHENTICATE_MS = 5000;

/** Token checks shared by the connections of one instance that present the same token, for REAUTHENTICATE_MS. */
class ViewerCache {
  private readonly entries = new Map<string, { viewer: Promise<Viewer>; at: number }>();

  constructor(private readonly check: (authorization: string | undefined) => Promise<Viewer>) {}

  get(authorization: string | undefined): Promise<Viewer> {
    const key = authorization ?? '';
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && now - entry.at < REAUTHENTICATE_MS) return entry.viewer;
    if (this.entries.size >= 10_000) {
      for (const [other, { at }] of this.entries) if (now - at >= REAUTHENTICATE_MS) this.entries.delete(other);
    }
    const viewer = this.check(authorization);
    this.entries.set(key, { viewer, at: now });
    // A failure is not kept: the next read checks again (and a revoked token fails again).
    viewer.catch(() => {
      if (this.entries.get(key)?.viewer === viewer) this.entries.delete(key);
    });
    return viewer;
  }
}

export interface SubscriptionServerOptions {
  httpServer: http.Server;
  schema: GraphQLSchema;
  orm: MikroORM;
  authenticator: Authenticator;
  notifier: ActivityNotifier;
  buckets: BudgetStore;
  config: Config;
  logger: Logger;
}

/** Starts the WebSocket endpoint; `dispose` closes every socket (Apollo's drain calls it on stop). */
export function startSubscriptionServer(options: SubscriptionServerOptions): { dispose(): Promise<void> } {
  const { schema, orm, authenticator, notifier, buckets, config, logger } = options;
  const { limits } = config;
  const rules = [...specifiedRules, ...staticLimitRules(limits)];
  const format = (error: GraphQLError) => formatSiltaError(error.toJSON(), error, { introspection: config.introspection, maxTokens: limits.maxTokens });
  const states = new WeakMap<object, ConnectionState>();
  const stateOf = (ctx: WsContext) => states.get(ctx.extra as object)!;

  // Half the pool at most for subscription reads: HTTP requests keep the other half.
  const reads = new ActivityReads(orm, { maxConcurrent: Math.max(1, Math.floor(config.dbPoolMax / 2)), statementTimeoutMs: limits.requestTimeoutMs });
  const viewers = new ViewerCache((authorization) => authenticator.authenticate(orm.em.fork(), authorization));

  const wsServer = new WebSocketServer({ server: options.httpServer, path: '/graphql', maxPayload: limits.maxBodyBytes });
  const handle = useServer<Record<string, unknown>, { request: http.IncomingMessage }>(
    {
      schema,
      onConnect: async (ctx) => {
        const authorization = authorizationOf(ctx.connectionParams);
        try {
          const viewer = await authenticator.authenticate(orm.em.fork(), authorization);
          states.set(ctx.extra as object, { authorization, viewer, ip: ctx.extra.request.socket.remoteAddress });
          return true;
        } catch (error) {
          logger.info({ code: (error as GraphQLError).extensions?.code }, 'subscription connection refused');
          return false; // closes with 4403 Forbidden
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const state = stateOf(ctx);
        let document: DocumentNode;
        try {
          document = parse(payload.query, parseOptions(limits));
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('The document could not be parsed', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length) return invalid;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('Name the operation to run (operationName)', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
        if (operation.operation !== 'subscription') {
          return [new GraphQLError('Only subscriptions run over WebSocket; send queries and mutations to /graphql over HTTP', { extensions: { code: 'BAD_REQUEST' } })];
        }
        try {
          checkRequestInput(schema, document, operation, payload.variables ?? undefined);
          const cost = Math.max(1, requestedCost(schema, document, payload.variables ?? undefined, payload.operationName ?? undefined));
          if (cost > limits.maxCost) {
            return [new LimitError(`The subscription may cost up to ${cost} points, more than the ${limits.maxCost} allowed per request.`, LimitCode.QUERY_TOO_COMPLEX, { requestedCost: cost, maxCost: limits.maxCost })];
          }
          const taken = await buckets.take(clientKey(state.viewer.accountId, state.ip), cost);
          if (!taken.ok) {
            return [new LimitError(`Rate limited: the subscription costs ${cost} points and ${taken.remaining} are left. Retry in ${taken.retryAfterSeconds} s.`, LimitCode.RATE_LIMITED, { retryAfter: taken.retryAfterSeconds })];
          }
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const contextValue: SubscriptionContext = {
          reads,
          notifier,
          viewer: async () => {
            // The subscriber's rights now (within REAUTHENTICATE_MS), not when it connected.
            state.viewer = await viewers.get(state.authorization);
            return state.viewer;
          },
        };
        return { schema, document, variableValues: payload.variables ?? undefined, operationName: payload.operationName ?? undefined, contextValue };
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(format) } : undefined),
      onError: (_ctx, _id, _payload, errors) => {
        for (const error of errors) {
          const formatted = format(error);
          if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.originalError ?? error }, 'unexpected error in a subscription');
        }
        return errors.map(format);
      },
    },
    wsServer,
  );
  return {
    dispose: async () => {
      await handle.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
