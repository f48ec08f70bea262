import { Field, Float, ID, InputType } from 'type-graphql';
import { Scheme } from '../programme/programme.enums';
import { OverlapKind, OverlapStatus } from './overlap.enums';

@InputType({ description: 'Which overlap findings to count; all given conditions must hold.' })
export class OverlapSummaryFilter {
  @Field(() => [ID], { nullable: true, description: "Only findings where either project belongs to one of these programmes (Programme IDs, at most 100)." })
  programmes?: string[] | null;

  @Field(() => [Scheme], { nullable: true, description: "Only findings where either project's programme is of one of these schemes." })
  schemes?: Scheme[] | null;

  @Field(() => Boolean, { nullable: true, description: 'True: only findings that cross the urban–rural divide (one Kake and one Leader project).' })
  crossDivideOnly?: boolean | null;

  @Field(() => [OverlapKind], { nullable: true, description: 'Only findings of these kinds.' })
  kinds?: OverlapKind[] | null;

  @Field(() => Float, { nullable: true, description: 'Only findings scoring at least this (0–1).' })
  minScore?: number | null;
}

@InputType({ description: 'Which overlap findings to list; all given conditions must hold.' })
export class OverlapFilter extends OverlapSummaryFilter {
  @Field(() => [OverlapStatus], {
    nullable: true,
    description: 'Only findings in these statuses; default every status but DISMISSED (dismissed pairs stop showing unless asked for).',
  })
  status?: OverlapStatus[] | null;
}
