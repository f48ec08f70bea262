import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from './errors';
import { LimitCode, limitCodeOf } from './limits/limits.errors';

/** Codes that describe the client's request; anything else is masked as an internal error. */
export const CLIENT_CODES = new Set<string>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  ...Object.values(LimitCode),
]);

function isClientError(error: GraphQLFormattedError): boolean {
  return CLIENT_CODES.has(String(error.extensions?.code ?? ''));
}

/** Apollo re-codes validation and parse errors; a limit's rejection gets its own code back. */
function withLimitCode(formatted: GraphQLFormattedError, error: unknown, maxTokens: number): GraphQLFormattedError {
  const code = limitCodeOf(error);
  if (!code) return formatted;
  // graphql-js's own wording for this one is garbled ("more that N tokens").
  const message = code === LimitCode.TOO_MANY_TOKENS ? `The document has more than ${maxTokens} tokens; parsing stopped there.` : formatted.message;
  return { ...formatted, message, extensions: { ...formatted.extensions, code } };
}

/** Without introspection, "Did you mean …?" would leak the schema one field name at a time. */
function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return { ...formatted, message: formatted.message.replace(/ ?Did you mean .+?\?/g, '') };
}

/**
 * How every error leaves Silta, over HTTP and WebSocket alike: client errors as they are (limit
 * codes restored, no schema suggestions without introspection), anything else masked as an
 * internal error without message, stack or SQL.
 */
export function formatSiltaError(given: GraphQLFormattedError, error: unknown, options: { introspection: boolean; maxTokens: number }): GraphQLFormattedError {
  const formatted = withLimitCode(given, error, options.maxTokens);
  if (isClientError(formatted)) return options.introspection ? formatted : withoutSuggestions(formatted);
  const original = error instanceof GraphQLError ? error : undefined;
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path ?? original?.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
