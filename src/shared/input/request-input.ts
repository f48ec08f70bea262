import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  GraphQLError,
  isNonNullType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { ErrorCode } from '../errors';
import { isStorableText } from './storable-text';

type Segment = string | number;

function format(path: readonly Segment[]): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

/** Refused before execution, so it needs its own HTTP status (Apollo would answer 500). */
function refuse(message: string, argumentName: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, argumentName, http: { status: 400 } } });
}

function unstorable(argumentName: string): GraphQLError {
  return refuse('Text may not contain NUL characters or unpaired UTF-16 surrogates', argumentName);
}

interface Usage {
  path: string;
  /** The position takes no null: a non-null argument or input field (which validation lets a nullable variable fill only when it has a default). */
  nonNull: boolean;
}

/** The path of every argument and input field the document sets, literal strings checked on the way. */
function walkDocument(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode | undefined): Map<string, Usage[]> {
  const usages = new Map<string, Usage[]>();
  const path: Segment[] = [];
  const typeInfo = new TypeInfo(schema);
  // Only the operation that runs (and fragments): another operation's variables are not this request's.
  const definitions = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION || d === operation || !operation);
  const segmentOf = (node: ASTNode, key: string | number | undefined, at: readonly (string | number)[]): Segment | undefined => {
    if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) return node.name.value;
    if (node.kind === Kind.VARIABLE_DEFINITION) return `$${node.variable.name.value}`;
    // A list item: its key is its index in a ListValue's `values`.
    if (typeof key === 'number' && at[at.length - 2] === 'values') return key;
    return undefined;
  };
  visit(
    { kind: Kind.DOCUMENT, definitions },
    visitWithTypeInfo(typeInfo, {
      enter(node, key, parent, at) {
        const segment = segmentOf(node, key, at);
        if (segment !== undefined) path.push(segment);
        if (node.kind === Kind.STRING && !isStorableText(node.value)) throw unstorable(format(path));
        if (node.kind === Kind.VARIABLE && !(parent && 'kind' in parent && parent.kind === Kind.VARIABLE_DEFINITION)) {
          const list = usages.get(node.name.value) ?? [];
          list.push({ path: format(path), nonNull: isNonNullType(typeInfo.getInputType()) });
          usages.set(node.name.value, list);
        }
      },
      leave(node, key, _parent, at) {
        if (segmentOf(node, key, at) !== undefined) path.pop();
      },
    }),
  );
  return usages;
}

/** Strings (and object keys) in a variable's JSON value, without recursion: the body may nest deeply. */
function checkVariableValue(value: unknown, name: string): void {
  const stack: [unknown, string][] = [[value, name]];
  while (stack.length > 0) {
    const [item, at] = stack.pop()!;
    if (typeof item === 'string') {
      if (!isStorableText(item)) throw unstorable(at);
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => stack.push([element, `${at}[${index}]`]));
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) {
        if (!isStorableText(key)) throw unstorable(at);
        stack.push([element, `${at}.${key}`]);
      }
    }
  }
}

const walked = new WeakMap<DocumentNode, Map<OperationDefinitionNode | undefined, ReturnType<typeof walkDocument>>>();

/** The document's variable usages, walked once per parsed document (Apollo reuses the object for the same query text). */
function usagesOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode | undefined): ReturnType<typeof walkDocument> {
  let byOperation = walked.get(document);
  if (!byOperation) walked.set(document, (byOperation = new Map()));
  let usages = byOperation.get(operation);
  if (!usages) byOperation.set(operation, (usages = walkDocument(schema, document, operation)));
  return usages;
}

/**
 * Checks what a request brings in that no argument's own validation can be trusted to catch, for
 * every field at once: text PostgreSQL cannot store (in literals and variables), and an explicit null
 * sent through a nullable variable to an argument that takes no null (its default only applies when
 * the variable is left out; graphql-js would fail the field with an uncoded error). Errors name the
 * argument path, e.g. `input.title` or `filter.ids[2]`.
 */
export function checkRequestInput(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
  variables: Record<string, unknown> | undefined,
): void {
  const usages = usagesOf(schema, document, operation);
  for (const [name, value] of Object.entries(variables ?? {})) {
    const used = usages.get(name) ?? [];
    checkVariableValue(value, used[0]?.path ?? `$${name}`);
    const nonNull = value === null ? used.find((usage) => usage.nonNull) : undefined;
    if (nonNull) {
      throw refuse(`\`${nonNull.path}\` cannot be null ($${name} is null); leave the variable out to use the default`, nonNull.path);
    }
  }
}

/** Runs `checkRequestInput` on every operation once it is parsed and validated, before it is priced or run. */
export function requestInputPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          checkRequestInput(schema, document, operation ?? undefined, request.variables);
        },
      };
    },
  };
}
