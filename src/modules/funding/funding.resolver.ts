import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs, type Connection } from '../../shared/relay/connection';
import { rootConnection } from '../../shared/relay/keyset';
import { Project } from '../project/project.entity';
import { FundingLine } from './funding-line.entity';
import { FundingLineFilter, FundingLineOrder } from './funding.inputs';
import { fundingLineListSpec } from './funding.service';
import { FundingLineConnection } from './funding.types';
import { projectsById } from '../project/project.loaders';

@Resolver(() => FundingLine)
export class FundingLineResolver {
  @Query(() => FundingLineConnection, { description: 'Funding lines and decisions across projects, filtered and ordered.' })
  fundingLines(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => FundingLineFilter, { nullable: true, description: 'Conditions the lines must meet.' }) filter: FundingLineFilter | null,
    @Arg('orderBy', () => FundingLineOrder, { nullable: true, description: 'Sort order; default creation order.' }) orderBy: FundingLineOrder | null,
    @Ctx() { em, viewer }: Context,
  ): Promise<Connection<FundingLine>> {
    return rootConnection(em, args, () => fundingLineListSpec(viewer, filter, orderBy));
  }

  @FieldResolver(() => Project, { description: 'The funded project.' })
  async project(@Root() line: FundingLine, @Ctx() { loaders }: Context): Promise<Project> {
    return (await loaders.get(projectsById).load(line.project.id))!;
  }
}
