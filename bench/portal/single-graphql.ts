import Module from 'node:module';
import path from 'node:path';

/**
 * PostGraphile 4 needs graphql 15 while Silta uses 16, so npm installs graphql 15 twice (under
 * postgraphile and under graphile-build-pg) and some of PostGraphile's dependencies
 * (graphql-parse-resolve-info, subscriptions-transport-ws) find Silta's graphql 16 at the top; types
 * of one copy are rejected by another ("Unexpected input type"). Imported first by the benchmark's
 * PostGraphile server, a process that loads nothing of Silta's GraphQL: every `graphql` import in it
 * resolves to the copy under postgraphile.
 */
const postgraphileDir = path.dirname(require.resolve('postgraphile/package.json'));
const graphql15Dir = path.dirname(require.resolve('graphql/package.json', { paths: [postgraphileDir] }));

type Resolve = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
const original = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function resolve(request, parent, ...rest) {
  if (request === 'graphql' || request.startsWith('graphql/')) {
    return original.call(this, request.replace(/^graphql/, graphql15Dir), parent, ...rest);
  }
  return original.call(this, request, parent, ...rest);
};
