import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLError, ParseOptions, ValidationContext, ValidationRule } from 'graphql';
import { LimitCode, LimitError } from './limits.errors';

export interface StaticLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
}

/** Reports armor's rejection as a LimitError with our code, instead of throwing out of validation. */
function reportAs(code: LimitCode) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        // armor prefixes its messages with "Syntax Error: ", which these are not.
        context?.reportError(new LimitError(error.message.replace(/^Syntax Error: /, ''), code));
      },
    ],
  };
}

/**
 * Validation rules checked before execution (graphql-armor). Validated documents are cached by
 * Apollo, so a repeated query pays for these once.
 */
export function staticLimitRules(limits: StaticLimits): ValidationRule[] {
  return [
    // Fragments do not add a level: depth counts fields, however the query is spelled.
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...reportAs(LimitCode.QUERY_TOO_DEEP) }),
    maxAliasesRule({ n: limits.maxAliases, ...reportAs(LimitCode.TOO_MANY_ALIASES) }),
    maxDirectivesRule({ n: limits.maxDirectives, ...reportAs(LimitCode.TOO_MANY_DIRECTIVES) }),
  ] as ValidationRule[];
}

/** graphql-js stops lexing after this many tokens, so a huge document costs no more than that to parse. */
export function parseOptions(limits: StaticLimits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}
