import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isUnionType, type GraphQLNamedType } from 'graphql';
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
