import { Entity, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';

/** Controlled vocabularies share a shape: a stable code and labels in Finnish and English. */
@ObjectType()
abstract class VocabularyTerm extends BaseEntity {
  @Field(() => String, { description: 'Stable code, e.g. "YOUTH_PARTICIPATION".' })
  @Property({ type: 'string', length: 60, unique: true })
  code!: string;

  @Field(() => String, { description: 'Label in Finnish.' })
  @Property({ type: 'string', length: 200 })
  labelFi!: string;

  @Field(() => String, { description: 'Label in English.' })
  @Property({ type: 'string', length: 200 })
  labelEn!: string;
}

@ObjectType({ implements: Node, description: 'A theme from the controlled vocabulary (teema), e.g. osallisuus / participation.' })
@Entity()
export class Theme extends VocabularyTerm {}

@ObjectType({
  implements: Node,
  description: 'A target group from the controlled vocabulary (kohderyhmä), e.g. nuoret / young people.',
})
@Entity()
export class TargetGroup extends VocabularyTerm {}
