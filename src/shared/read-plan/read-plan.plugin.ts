import { HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors';
import type { RequestTransaction } from '../db/request-transaction';
import type { ActualCostCounter } from '../limits/query-cost';
import { compileReadCached, NotCompilable, runCompiledRead } from './compile';
import { checkDeclaredReads, type ReadPlanContext } from './registry';

interface CompiledReadsContext extends BaseContext, ReadPlanContext {
  logger: Logger;
  transaction: RequestTransaction;
  limits: ActualCostCounter;
}

/**
 * Answers query operations from one SQL statement when every field they select has a declared SQL
 * read (`compile.ts`), after the limits and input checks of the other plugins (`didResolveOperation`
 * runs before `responseForOperation`); everything else runs through graphql-js as before. The
 * statement runs in the request's transaction, committed by the transaction plugin as for any answer.
 */
export function compiledReadsPlugin<TContext extends CompiledReadsContext>(): ApolloServerPlugin<TContext> {
  return {
    async serverWillStart({ schema }) {
      checkDeclaredReads(schema);
    },
    async requestDidStart() {
      return {
        async responseForOperation({ schema, document, operation, request, contextValue }) {
          if (operation.operation !== 'query') return null;
          let compiled;
          try {
            compiled = await compileReadCached(schema, document, operation, request.variables, contextValue, contextValue.transaction.viewerKey);
          } catch (error) {
            // Not declared, or an argument the services refuse: the resolvers answer and report it.
            if (!(error instanceof NotCompilable)) contextValue.logger.debug({ err: error }, 'compiled read refused; the resolvers answer');
            return null;
          }
          // The statement's text (values are bound separately, never in the text): LOG_LEVEL=trace.
          contextValue.logger.trace({ sql: compiled.sql }, 'compiled read');
          let body: unknown;
          try {
            body = await runCompiledRead(contextValue, compiled);
          } catch (error) {
            if (error instanceof NotCompilable) return null;
            // The transaction is aborted now: the resolvers could not do better. Masked as any internal error.
            contextValue.logger.error({ err: error }, 'unexpected error in a GraphQL request');
            return {
              http: { status: undefined, headers: new HeaderMap() },
              body: { kind: 'single', singleResult: { data: null, errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] } },
            };
          }
          const cost = { actual: 0 };
          let data: Record<string, unknown>;
          try {
            data = compiled.shape(body, cost);
          } catch (error) {
            // A null where the schema promises a value: graphql-js reports that, with its path.
            if (error instanceof NotCompilable) return null;
            throw error;
          }
          contextValue.limits.actualCost = cost.actual;
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data } } };
        },
      };
    },
  };
}
