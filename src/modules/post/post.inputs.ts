import { Field, ID, InputType } from 'type-graphql';
import { LocalDate } from '../../shared/scalars';
import { Scheme } from '../programme/programme.enums';
import { PostKind, PostStatus } from './post.enums';

@InputType({ description: 'Conditions a post must meet; every given condition must hold, and each list matches any of its values.' })
export class PostFilter {
  @Field(() => [PostKind], { nullable: true, description: 'Only these kinds.' })
  kinds?: PostKind[] | null;

  @Field(() => [Scheme], {
    nullable: true,
    description: "Only posts on these schemes' side: the scheme of the programme or project a post is about, else of the programmes its author takes part in.",
  })
  schemes?: Scheme[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only posts about these programmes (directly, or about one of their projects).' })
  programmes?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only posts by these organisations.' })
  organisations?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only posts with one of these theme codes, e.g. ["YOUTH_PARTICIPATION"].' })
  themes?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Only posts concerning one of these postal codes: an event's place, a post's areas, or its project's locations." })
  postalCodes?: string[] | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Only posts open on this day: an EVENT running then (Finnish time), a PARTNER_SEARCH until its closing date, a CALL between its opening and closing dates.',
  })
  openOn?: string | null;

  @Field(() => [PostStatus], { nullable: true, description: 'Only these statuses; default PUBLISHED only.' })
  status?: PostStatus[] | null;
}
