import { GraphQLError } from 'graphql';

/** `extensions.code` of every abuse-limit rejection; clients branch on these. */
export enum LimitCode {
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  TOO_MANY_DIRECTIVES = 'TOO_MANY_DIRECTIVES',
  TOO_MANY_TOKENS = 'TOO_MANY_TOKENS',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  RATE_LIMITED = 'RATE_LIMITED',
  TIMEOUT = 'TIMEOUT',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
}

/**
 * A limit rejected the request. Apollo re-wraps validation errors with its own code
 * (GRAPHQL_VALIDATION_FAILED), so the edge recovers ours with `limitCodeOf`.
 */
export class LimitError extends GraphQLError {
  constructor(
    message: string,
    readonly limitCode: LimitCode,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...extensions, code: limitCode } });
  }
}

// graphql-js's own message when `parse(…, { maxTokens })` gives up (16.x spells it "more that").
const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;

/** The limit behind an error, looking through the wrappers Apollo adds. */
export function limitCodeOf(error: unknown): LimitCode | undefined {
  for (let current = error, hops = 0; current instanceof Error && hops < 5; hops++) {
    if (current instanceof LimitError) return current.limitCode;
    if (current instanceof GraphQLError && TOKEN_LIMIT.test(current.message)) return LimitCode.TOO_MANY_TOKENS;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return undefined;
}
