import { isEnumType, isInputObjectType, isInterfaceType, isNonNullType, isObjectType, isScalarType, isUnionType, type GraphQLNamedType } from 'graphql';
import { NODE_LOADERS } from './modules/node/node.resolver';
import { buildSiltaSchema } from './schema';

/** The schema is the portal developers' manual: every public element has a description. */
describe('schema descriptions', () => {
  it('describe every type, field, argument, input field and enum value', async () => {
    const schema = await buildSiltaSchema();
    const missing: string[] = [];
    const check = (path: string, description: string | null | undefined): void => {
      if (!description || description.trim() === '') missing.push(path);
    };
    const types = Object.values(schema.getTypeMap()).filter((type: GraphQLNamedType) => !type.name.startsWith('__'));
    for (const type of types) {
      if (isScalarType(type) && ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
          for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
        }
      }
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
      }
      if (isUnionType(type)) check(type.name, type.description);
    }
    expect(missing).toEqual([]);
  });
});

/** Relay object identification: whatever says it is a Node can be fetched by `node(id:)`. */
describe('Node types', () => {
  it('have a loader in node(id:) for every type that implements Node, and no loader for anything else', async () => {
    const schema = await buildSiltaSchema();
    const node = schema.getType('Node');
    if (!isInterfaceType(node)) throw new Error('Node is not an interface');
    const implementing = schema.getPossibleTypes(node).map((type) => type.name).sort();
    expect(Object.keys(NODE_LOADERS).sort()).toEqual(implementing);
  });

  it('are the only types whose `id` says it works with node(id:)', async () => {
    const schema = await buildSiltaSchema();
    const node = schema.getType('Node');
    if (!isInterfaceType(node)) throw new Error('Node is not an interface');
    const nodeTypes = new Set(schema.getPossibleTypes(node).map((type) => type.name));
    const claiming = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && /node\(id:\)/.test(type.getFields().id?.description ?? ''))
      .map((type) => type.name);
    expect(claiming.filter((name) => !nodeTypes.has(name))).toEqual([]);
  });
});

/** Mutation results are nullable: a refused mutation must not null the results of the others in the document. */
describe('root fields', () => {
  it('make every mutation result nullable', async () => {
    const schema = await buildSiltaSchema();
    const nonNull = Object.values(schema.getMutationType()!.getFields()).filter((field) => isNonNullType(field.type));
    expect(nonNull.map((field) => field.name)).toEqual([]);
  });
});
