import { Field, ID, InputType, Int } from 'type-graphql';
import { DateTime, LocalDate } from '../../shared/scalars';
import { ParticipationRole } from '../project/project.enums';
import { PostKind, PostVisibility } from './post.enums';

@InputType({ description: 'A new post, published at once. Kind-specific fields of another kind are refused (INVALID_VALUE).' })
export class CreatePostInput {
  @Field(() => ID, { description: 'The authoring organisation; you must be its verified member (a CALL: a coordinator of its programme).' })
  organisation!: string;

  @Field(() => PostKind, { description: 'What the post is.' })
  kind!: PostKind;

  @Field(() => PostVisibility, { nullable: true, description: 'Who may read it; default PUBLIC.' })
  visibility?: PostVisibility | null;

  @Field(() => ID, { nullable: true, description: 'The project it is about; the authoring organisation must take part in it (or you coordinate its programme). At most one of `project` and `programme`.' })
  project?: string | null;

  @Field(() => ID, { nullable: true, description: 'The programme it is about; required for a CALL.' })
  programme?: string | null;

  @Field(() => String, { description: 'Title (at most 300 characters).' })
  title!: string;

  @Field(() => String, { description: 'The text (at most 10 000 characters).' })
  body!: string;

  @Field(() => DateTime, { nullable: true, description: 'EVENT (required): when it starts.' })
  startsAt?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'EVENT: when it ends; not before the start.' })
  endsAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'EVENT: where (at most 300 characters).' })
  place?: string | null;

  @Field(() => String, { nullable: true, description: 'EVENT: postal code of the place, e.g. "70100".' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'PARTNER_SEARCH (required): what partner is sought and for what (at most 10 000 characters).' })
  partnerSought?: string | null;

  @Field(() => ParticipationRole, { nullable: true, description: 'PARTNER_SEARCH: the role the partner would take.' })
  roleWanted?: ParticipationRole | null;

  @Field(() => LocalDate, { nullable: true, description: 'CALL (required): the first day of the call.' })
  opensOn?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'PARTNER_SEARCH and CALL (required): the last day; a CALL’s not before its opening.' })
  closesOn?: string | null;

  @Field(() => String, { nullable: true, description: 'CALL (required): who may apply (at most 10 000 characters).' })
  eligibleApplicants?: string | null;

  @Field(() => String, { nullable: true, description: 'RESULT (required): what was achieved (at most 10 000 characters).' })
  outcomes?: string | null;

  @Field(() => [String], { nullable: true, description: 'RESULT: http(s) links (at most 20, each at most 500 characters).' })
  links?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Theme codes (teemat), e.g. ["YOUTH_PARTICIPATION"]; any kind.' })
  themes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Postal codes of the areas the post concerns, e.g. the areas a partner is sought for; any kind.' })
  areas?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Makes the call repeat-safe: the same key and input within 24 h returns the first result.' })
  idempotencyKey?: string | null;
}

@InputType({
  description:
    'Changes to a published post: omitted fields stay, null clears an optional field, a given list (links, themes, areas) replaces the whole set. Kind, author and what it is about do not change.',
})
export class UpdatePostInput {
  @Field(() => ID, { description: 'The post.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The `version` you read; a stale one gives VERSION_CONFLICT.' })
  expectedVersion?: number | null;

  @Field(() => PostVisibility, { nullable: true, description: 'Who may read it.' })
  visibility?: PostVisibility | null;

  @Field(() => String, { nullable: true, description: 'Title; cannot be cleared.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'The text; cannot be cleared.' })
  body?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'EVENT: start.' })
  startsAt?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'EVENT: end.' })
  endsAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'EVENT: place.' })
  place?: string | null;

  @Field(() => String, { nullable: true, description: 'EVENT: postal code of the place.' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'PARTNER_SEARCH: what partner is sought.' })
  partnerSought?: string | null;

  @Field(() => ParticipationRole, { nullable: true, description: 'PARTNER_SEARCH: role wanted.' })
  roleWanted?: ParticipationRole | null;

  @Field(() => LocalDate, { nullable: true, description: 'CALL: opening day.' })
  opensOn?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'PARTNER_SEARCH and CALL: closing day.' })
  closesOn?: string | null;

  @Field(() => String, { nullable: true, description: 'CALL: who may apply.' })
  eligibleApplicants?: string | null;

  @Field(() => String, { nullable: true, description: 'RESULT: outcomes.' })
  outcomes?: string | null;

  @Field(() => [String], { nullable: true, description: 'RESULT: links; replaces them.' })
  links?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Theme codes; replaces the set.' })
  themes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Postal codes of the areas; replaces the set.' })
  areas?: string[] | null;
}

@InputType({ description: 'Withdraw a post: it stays readable, marked WITHDRAWN, and can no longer be edited.' })
export class WithdrawPostInput {
  @Field(() => ID, { description: 'The post.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The `version` you read; a stale one gives VERSION_CONFLICT.' })
  expectedVersion?: number | null;
}
