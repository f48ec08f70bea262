import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** The names of the fields selected directly in a selection set, through fragments and inline fragments. */
function fieldsOf(info: GraphQLResolveInfo, selectionSet: SelectionSetNode | undefined, into: FieldNode[]): FieldNode[] {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) into.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fieldsOf(info, selection.selectionSet, into);
    else fieldsOf(info, info.fragments[selection.name.value]?.selectionSet, into);
  }
  return into;
}

/**
 * The field names a connection field selects on its items (`nodes { … }` and `edges { node { … } }`),
 * for folding relations into the page statement. A superset is harmless (type conditions and
 * `@skip`/`@include` are not looked at): folding what is not read costs only a little SQL.
 */
export function selectedItemFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  for (const connection of info.fieldNodes) {
    for (const field of fieldsOf(info, connection.selectionSet, [])) {
      if (field.name.value === 'nodes') {
        for (const item of fieldsOf(info, field.selectionSet, [])) names.add(item.name.value);
      } else if (field.name.value === 'edges') {
        for (const edgeField of fieldsOf(info, field.selectionSet, [])) {
          if (edgeField.name.value !== 'node') continue;
          for (const item of fieldsOf(info, edgeField.selectionSet, [])) names.add(item.name.value);
        }
      }
    }
  }
  return names;
}
