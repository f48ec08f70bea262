import { Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Account, ApiToken } from './account.entity';
import { Role } from './auth.enums';
import { canReadAuditLog, canCreateOrganisation, canCreateProjects } from './permissions';
import { canSeeContactDetails, canWrite, rolesOf, type Viewer as ViewerData } from './viewer';
import { organisationsById } from '../organisation/organisation.loaders';
import { programmesById } from '../programme/programme.loaders';

@ObjectType('Viewer', { description: 'Who the caller is and what it may do; anonymous callers get PUBLIC and no account.' })
export class ViewerInfo {
  constructor(readonly data: ViewerData) {}

  @Field(() => [Role], { description: 'Roles held, PUBLIC included.' })
  roles!: Role[];

  @Field(() => Boolean, { description: 'True when signed in with a token or identity provider.' })
  signedIn!: boolean;

  @Field(() => Boolean, { description: 'True when mutations are allowed (signed in, and not with a read-only token).' })
  viewerCanWrite!: boolean;

  @Field(() => Boolean, {
    description:
      'True when contact people’s e-mail addresses and phone numbers are visible across organisations (a verified membership, or coordinator, analyst or admin). Members always see their own organisations’ contact details.',
  })
  viewerCanSeeContactDetails!: boolean;

  @Field(() => Boolean, { description: 'True when `createOrganisation` is allowed.' })
  viewerCanCreateOrganisation!: boolean;

  @Field(() => Boolean, { description: 'True when `createProject` is allowed for at least one organisation.' })
  viewerCanCreateProject!: boolean;

  @Field(() => Boolean, { description: 'True when `auditLog` is readable.' })
  viewerCanReadAuditLog!: boolean;
}

@Resolver(() => ViewerInfo)
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: 'The caller: account, organisations, roles and what it may do.' })
  viewer(@Ctx() { viewer }: Context): ViewerInfo {
    const info = new ViewerInfo(viewer);
    return Object.assign(info, {
      roles: rolesOf(viewer),
      signedIn: viewer.accountId !== null,
      viewerCanWrite: canWrite(viewer),
      viewerCanSeeContactDetails: canSeeContactDetails(viewer, null),
      viewerCanCreateOrganisation: canCreateOrganisation(viewer),
      viewerCanCreateProject: canCreateProjects(viewer),
      viewerCanReadAuditLog: canReadAuditLog(viewer),
    });
  }

  @FieldResolver(() => Account, { nullable: true, description: 'The signed-in account; null when anonymous.' })
  account(@Root() info: ViewerInfo, @Ctx() { em }: Context): Promise<Account | null> | null {
    return info.data.accountId === null ? null : em.findOne(Account, { id: info.data.accountId });
  }

  @FieldResolver(() => [ApiToken], { description: "The account's API tokens, newest first (revoked and expired ones included)." })
  apiTokens(@Root() info: ViewerInfo, @Ctx() { em }: Context): Promise<ApiToken[]> | ApiToken[] {
    return info.data.accountId === null ? [] : em.find(ApiToken, { account: info.data.accountId }, { orderBy: { id: 'desc' } });
  }

  @FieldResolver(() => [Organisation], { description: 'Organisations the account is a member of (PARTNER).' })
  async organisations(@Root() info: ViewerInfo, @Ctx() { loaders }: Context): Promise<Organisation[]> {
    const found = await loaders.get(organisationsById).loadMany([...info.data.organisationIds]);
    return found.filter((item): item is Organisation => item instanceof Organisation);
  }

  @FieldResolver(() => [Organisation], {
    description: 'The organisations among `organisations` whose membership a coordinator or admin has verified; a new member waits here to be verified.',
  })
  async verifiedOrganisations(@Root() info: ViewerInfo, @Ctx() { loaders }: Context): Promise<Organisation[]> {
    const found = await loaders.get(organisationsById).loadMany([...info.data.verifiedOrganisationIds]);
    return found.filter((item): item is Organisation => item instanceof Organisation);
  }

  @FieldResolver(() => [Programme], { description: 'Programmes the account coordinates (COORDINATOR).' })
  async coordinatedProgrammes(@Root() info: ViewerInfo, @Ctx() { loaders }: Context): Promise<Programme[]> {
    const found = await loaders.get(programmesById).loadMany([...info.data.coordinatedProgrammeIds]);
    return found.filter((item): item is Programme => item instanceof Programme);
  }
}


