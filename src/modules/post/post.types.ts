import { Field, Float, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../shared/relay/connection';
import { Organisation } from '../organisation/organisation.entity';
import { Post } from './post.entity';

export const PostConnection = ConnectionType(Post, 'Post', 'posts');

@ObjectType({ description: 'An organisation suggested for a partner search (kumppanihaku), with why.' })
export class OrganisationMatch {
  @Field(() => Organisation, { description: 'The organisation.' })
  organisation!: Organisation;

  @Field(() => Float, { description: 'How well it fits, 0–1: shared themes 0.5, shared area 0.3 (municipality only 0.15), past cooperation with the author 0.2.' })
  score!: number;

  @Field(() => [String], { description: 'The reasons in words, e.g. "shared themes: YOUTH_PARTICIPATION".' })
  reasons!: string[];
}

@ObjectType({ description: 'A partner search (kumppanihaku) from across the divide suggested for an organisation, with why.' })
export class PostMatch {
  @Field(() => Post, { description: 'The partner search.' })
  post!: Post;

  @Field(() => Float, { description: 'How well the organisation fits it, 0–1 (as in `OrganisationMatch.score`).' })
  score!: number;

  @Field(() => [String], { description: 'The reasons in words.' })
  reasons!: string[];
}
