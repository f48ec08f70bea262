import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's object identification: every fetchable object has an opaque global ID. */
@InterfaceType({
  description: 'An object with an opaque global ID that `node(id:)` and `nodes(ids:)` can fetch.',
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  // Entities keep their database key in `id`; the global ID is the `globalId` getter, exposed as `id`.
  @Field(() => ID, { name: 'id', description: 'Opaque global identifier.' })
  globalId!: string;
}
