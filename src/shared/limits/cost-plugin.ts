import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { BudgetStore } from './budget-store';
import type { BucketStatus } from './leaky-bucket';
import { LimitCode, LimitError } from './limits.errors';
import { countActualCost, requestedCost, type ActualCostCounter } from './query-cost';

/** `extensions.cost` on every GraphQL response (as GitHub's and Shopify's APIs report it). */
export interface CostReport {
  /** The most the operation could cost, estimated before it ran. */
  requested: number;
  /** What it cost, counted while it ran; 0 when it did not run. */
  actual: number;
  /** Points left in the client's bucket after this operation. */
  remaining: number;
  /** When the client's bucket is full again (ISO 8601). */
  resetAt: string;
}

/** Per-request state shared by the context, this plugin and the HTTP timeout. */
export interface RequestLimits extends ActualCostCounter {
  /** Whose bucket pays: `account:<id>` when signed in, else `ip:<address>`. */
  clientKey: string;
  /** The latest cost report of the request, once there is one. */
  cost?: CostReport;
}

export interface LimitsContext extends BaseContext {
  limits: RequestLimits;
}

export function clientKey(accountId: number | null, ip: string | undefined): string {
  return accountId !== null ? `account:${accountId}` : `ip:${ip ?? 'unknown'}`;
}

/**
 * Prices each operation before it runs and charges the client's leaky bucket. Refuses operations over
 * `maxCost` (QUERY_TOO_COMPLEX, 400) and clients over budget (RATE_LIMITED, 429 with Retry-After); once
 * it has run, settles the bucket on the actual cost and reports both in `extensions.cost`. Every
 * request costs at least one point, refused ones included (unparsable, invalid, bad input, too complex),
 * so a flood of refusals drains the budget like any other; without a point left, the refusal becomes 429.
 */
export function costLimitPlugin<TContext extends LimitsContext>(options: { maxCost: number; buckets: BudgetStore }): ApolloServerPlugin<TContext> {
  const { maxCost, buckets } = options;
  return {
    async serverWillStart({ schema }) {
      countActualCost(schema);
    },

    async requestDidStart({ contextValue }) {
      const key = contextValue.limits.clientKey;
      let requested = 0;
      let executed = false;
      let charged = false;
      let rateLimited = false;
      // Every road below sets it from a take or a settlement: no separate read of the bucket (a round trip when shared).
      let status: BucketStatus | undefined;

      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // Without an operation, execution reports the missing one; there is nothing to price.
          if (!operation) return;
          try {
            requested = requestedCost(schema, document, request.variables, operation.name?.value);
          } catch (error) {
            // Invalid variables, or a null variable for an argument that takes none: refused before any
            // resolver runs (by execution or requestInputPlugin), at a point's cost. Anything else fails closed.
            if (!(error instanceof GraphQLError && /^(Variable "\$|Argument ")/.test(error.message))) throw error;
            requested = 1;
          }
          // Every operation costs something, so a flood of trivial ones is limited too.
          requested = Math.max(1, requested);
          if (requested > maxCost) {
            throw new LimitError(`The query may cost up to ${requested} points, more than the ${maxCost} allowed per request. Ask for fewer items (first/last) or fewer nested connections.`, LimitCode.QUERY_TOO_COMPLEX, {
              requestedCost: requested,
              maxCost,
              http: { status: 400 },
            });
          }
          const taken = await buckets.take(key, requested);
          status = taken;
          if (!taken.ok) {
            rateLimited = true;
            throw new LimitError(`Rate limited: the query costs ${requested} points and ${taken.remaining} are left. Retry in ${taken.retryAfterSeconds} s.`, LimitCode.RATE_LIMITED, {
              retryAfter: taken.retryAfterSeconds,
              http: { status: 429, headers: new HeaderMap([['retry-after', String(taken.retryAfterSeconds)]]) },
            });
          }
          charged = true;
          contextValue.limits.cost = costReport(requested, requested, status);
        },

        async executionDidStart() {
          // The fields count themselves (countActualCost); no willResolveField, which wraps every field.
          executed = true;
          contextValue.limits.actualCost = 0;
        },

        async willSendResponse({ response }) {
          let spent = 0;
          if (charged) {
            // Every request costs at least a point, so a flood of cheap or failing ones is limited too.
            // A compiled read (shared/read-plan) is answered without execution and counts its own cost.
            const ran = executed || contextValue.limits.actualCost !== undefined;
            spent = Math.max(1, ran ? (contextValue.limits.actualCost ?? 0) : 0);
            status = await buckets.adjust(key, spent - requested);
          } else if (!rateLimited) {
            // Refused before it was priced (unparsable, invalid, too complex, bad input): one point all the same.
            const taken = await buckets.take(key, 1);
            status = taken;
            if (taken.ok) spent = 1;
            else refuseOverBudget(response, taken.retryAfterSeconds);
          }
          const cost = costReport(requested, spent, status ?? buckets.lastSeen(key));
          contextValue.limits.cost = cost;
          if (response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost };
          } else {
            response.body.initialResult.extensions = { ...response.body.initialResult.extensions, cost };
          }
        },
      };
    },
  };
}

/** A refusal the client had no budget left for: answered as what it is, rate limiting. */
function refuseOverBudget(response: GraphQLResponse, retryAfter: number): void {
  response.http.status = 429;
  response.http.headers.set('retry-after', String(retryAfter));
  const errors = [{ message: `Rate limited: no points left, even for a refusal. Retry in ${retryAfter} s.`, extensions: { code: LimitCode.RATE_LIMITED, retryAfter } }];
  if (response.body.kind === 'single') response.body.singleResult = { errors };
  else response.body = { kind: 'single', singleResult: { errors } };
}

/** The cost report of an answer: what it was priced at, what it cost, and the bucket after it. */
export function costReport(requested: number, actual: number, status: { remaining: number; resetAt: number }): CostReport {
  return { requested, actual, remaining: status.remaining, resetAt: new Date(status.resetAt).toISOString() };
}

/**
 * The cost to report when the answer is given outside Apollo (the timeout): what the request has
 * been charged so far, or nothing yet with the client's bucket as this instance last saw it (the
 * timeout answers at once, without a round trip to a shared store).
 */
export function costSoFar(buckets: BudgetStore, limits: RequestLimits | undefined, fallbackKey: string): CostReport {
  return limits?.cost ?? costReport(0, 0, buckets.lastSeen(limits?.clientKey ?? fallbackKey));
}
