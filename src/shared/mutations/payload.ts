import type { ClassType } from 'type-graphql';
import { Field, ObjectType } from 'type-graphql';
import { UserError } from './user-error';

/** Declares `<Name>Payload { <field>: <Type>, userErrors }` (house style: one payload type per mutation). */
export function MutationPayload<T extends object>(name: string, field: string, type: ClassType<T>, what: string) {
  @ObjectType(`${name}Payload`, { description: `Result of \`${name.charAt(0).toLowerCase()}${name.slice(1)}\`.` })
  class Payload {
    @Field(() => [UserError], { description: 'Problems with the input; empty on success. Nothing is written when there are any.' })
    userErrors!: UserError[];
  }
  Field(() => type, { nullable: true, description: `The ${what} after the change; null when userErrors are returned.` })(Payload.prototype, field);
  return Payload;
}
