import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs, type Connection } from '../../shared/relay/connection';
import { ProjectOrder } from './project.inputs';
import { Project } from './project.entity';
import { projectListSpec } from './project.service';
import { ProjectConnection } from './project.types';
import { TargetGroup, Theme } from './vocabulary.entity';

@Resolver(() => Theme)
export class ThemeResolver {
  @Query(() => [Theme], { description: 'The controlled vocabulary of project themes (teemat), by code.' })
  themes(@Ctx() { em }: Context): Promise<Theme[]> {
    return em.find(Theme, {}, { orderBy: { code: 'asc' } });
  }

  @FieldResolver(() => ProjectConnection, { description: 'Projects with this theme.' })
  projects(
    @Root() theme: Theme,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('orderBy', () => ProjectOrder, { nullable: true, description: 'Sort order; default title ascending.' }) orderBy: ProjectOrder | null,
    @Ctx() ctx: Context,
  ): Promise<Connection<Project>> {
    return ctx.loaders.nested.load(
      'Theme.projects',
      args,
      () => projectListSpec(ctx, null, orderBy),
      { column: 'pt.theme_id', join: (qb) => void qb.join('project_theme as pt', 'pt.project_id', 't.id') },
      theme.id,
      orderBy,
    );
  }
}

@Resolver(() => TargetGroup)
export class TargetGroupResolver {
  @Query(() => [TargetGroup], { description: 'The controlled vocabulary of target groups (kohderyhmät), by code.' })
  targetGroups(@Ctx() { em }: Context): Promise<TargetGroup[]> {
    return em.find(TargetGroup, {}, { orderBy: { code: 'asc' } });
  }

  @FieldResolver(() => ProjectConnection, { description: 'Projects aimed at this target group.' })
  projects(
    @Root() group: TargetGroup,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('orderBy', () => ProjectOrder, { nullable: true, description: 'Sort order; default title ascending.' }) orderBy: ProjectOrder | null,
    @Ctx() ctx: Context,
  ): Promise<Connection<Project>> {
    return ctx.loaders.nested.load(
      'TargetGroup.projects',
      args,
      () => projectListSpec(ctx, null, orderBy),
      { column: 'ptg.target_group_id', join: (qb) => void qb.join('project_target_group as ptg', 'ptg.project_id', 't.id') },
      group.id,
      orderBy,
    );
  }
}
