import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateRange } from '../../shared/filters';
import { ConnectionType, PageInfo } from '../../shared/relay/connection';
import { Overlap } from './overlap.entity';
import { OverlapKind, OverlapSignalKind } from './overlap.enums';

export const OverlapConnection = ConnectionType(Overlap, 'Overlap', 'overlap findings');

/** One signal of a finding, as stored (organisations and postal areas by key, resolved by loaders). */
@ObjectType({ description: 'One piece of evidence of an overlap, scored 0–1, in words and with the records it points at.' })
export class OverlapSignal {
  @Field(() => OverlapSignalKind, { description: 'What the signal measured.' })
  kind!: OverlapSignalKind;

  @Field(() => Float, { description: 'How strong the evidence is, 0–1.' })
  score!: number;

  @Field(() => String, { description: 'The evidence in words, e.g. "shared organisation Esimerkki ry (1234567-1)" or "titles 0.82 similar".' })
  evidence!: string;

  /** Resolved to organisations by OverlapSignalResolver. */
  organisationIds!: number[];

  /** Resolved to postal areas by OverlapSignalResolver. */
  postalCodes!: string[];

  @Field(() => DateRange, { nullable: true, description: 'The shared period, for PERIOD_OVERLAP; null for other signals.' })
  period!: DateRange | null;
}

@ObjectType({ description: 'A finding as seen from one of its projects: the finding and the other project.', simpleResolvers: true })
export class ProjectOverlapEdge {
  @Field(() => String, { description: 'Opaque cursor of this item, for `after`/`before`.' })
  cursor!: string;

  @Field(() => Overlap, { description: 'The finding.' })
  node!: Overlap;

  /** Resolved by ProjectOverlapEdgeResolver. */
  otherProjectId!: number;
}

@ObjectType({ description: "A page of a project's overlap findings, highest score first (Relay cursor connection).", simpleResolvers: true })
export class ProjectOverlapConnection {
  @Field(() => [ProjectOverlapEdge], { description: 'Findings with their cursors and the other project of each pair.' })
  edges!: ProjectOverlapEdge[];

  @Field(() => [Overlap], { description: 'Findings without cursors, for convenience.' })
  nodes!: Overlap[];

  @Field(() => PageInfo, { description: 'Paging information.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Total number of findings matching the arguments, across all pages.' })
  totalCount!: number;
}

@ObjectType({
  description: 'Overlap findings of one kind that the viewer may see, counted by where they stand (a finding the viewer may not see is never counted).',
  simpleResolvers: true,
})
export class OverlapKindSummary {
  @Field(() => OverlapKind, { description: 'The kind.' })
  kind!: OverlapKind;

  @Field(() => Int, { description: 'Not reviewed yet.' })
  open!: number;

  @Field(() => Int, { description: 'Reviewed as CONFIRMED.' })
  confirmed!: number;

  @Field(() => Int, { description: 'Reviewed as DISMISSED.' })
  dismissed!: number;

  @Field(() => Int, { description: 'Reviewed as SYNERGY.' })
  synergy!: number;

  @Field(() => Int, { description: 'All of them: open + confirmed + dismissed + synergy.' })
  total!: number;
}
