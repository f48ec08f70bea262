import { Field, ID, InputType, Int } from 'type-graphql';
import { OverlapReviewStatus } from './overlap.enums';

@InputType({ description: 'A verdict on an overlap finding. It sticks to the pair of projects, so it survives recomputation.' })
export class ReviewOverlapInput {
  @Field(() => ID, { description: 'The finding (an Overlap ID).' })
  overlap!: string;

  @Field(() => OverlapReviewStatus, { description: 'The verdict; DISMISSED hides the finding from lists by default.' })
  status!: OverlapReviewStatus;

  @Field(() => String, { nullable: true, description: 'Why (at most 10 000 characters); null or blank for no note. Replaces the previous note.' })
  note?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: "The review's `version` you read; a stale one gives VERSION_CONFLICT. Leave it out to review regardless (a first review has no version).",
  })
  expectedVersion?: number | null;
}
