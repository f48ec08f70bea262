import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { forbidden } from '../../shared/errors';
import { MutationPayload } from '../../shared/mutations/payload';
import { checkVersion, runMutation } from '../mutation/mutation.runner';
import { assertNoUserErrors, refusal, UserErrorCode } from '../../shared/mutations/user-error';
import type { Checks } from '../../shared/mutations/validation';
import { decodeEntityId } from '../../shared/relay/global-id';
import { canWritePost, type PostAccess } from '../auth/permissions';
import { isAdmin, isCoordinator } from '../auth/viewer';
import { PostalArea } from '../geography/postal-area.entity';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Participation } from '../project/participation.entity';
import { Project } from '../project/project.entity';
import { distinctCodes } from '../project/project.validation';
import { Theme } from '../project/vocabulary.entity';
import { PostKind, PostStatus, PostVisibility } from './post.enums';
import { Post, PostArea, PostTheme } from './post.entity';
import { CreatePostInput, UpdatePostInput, WithdrawPostInput } from './post.mutation-inputs';
import { validatePostFields, type PostFields } from './post.validation';

export const CreatePostPayload = MutationPayload('CreatePost', 'post', Post, 'post');
export const UpdatePostPayload = MutationPayload('UpdatePost', 'post', Post, 'post');
export const WithdrawPostPayload = MutationPayload('WithdrawPost', 'post', Post, 'post');

function accessOf(post: Pick<Post, 'kind' | 'organisation' | 'programme'>): PostAccess {
  return { isCall: post.kind === PostKind.CALL, organisationId: post.organisation.id, programmeId: post.programme?.id ?? null };
}

/** The post if the viewer may see it (row-level security): a hidden post is NOT_FOUND, like a missing one. */
async function findPost(em: EntityManager, id: string): Promise<Post> {
  const key = decodeEntityId(id, ['Post'], 'input.id');
  const rows = key === undefined ? [] : await em.execute<{ id: number }[]>('select t.id from post t where t.id = ? for update of t', [key]);
  const post = rows.length > 0 ? await em.findOne(Post, { id: key }) : null;
  if (!post) throw refusal(UserErrorCode.NOT_FOUND, 'input.id', `No post ${id}`);
  return post;
}

interface References {
  themes?: Theme[];
  areas?: string[];
}

/** Theme codes and postal codes that must exist; an unknown one is reported at its position. */
async function checkReferences(em: EntityManager, input: PostFields, checks: Checks): Promise<References> {
  const references: References = {};
  if (input.themes !== undefined) {
    const codes = distinctCodes(input.themes);
    const found = codes.length > 0 ? await em.find(Theme, { code: { $in: codes } }) : [];
    const byCode = new Map(found.map((theme) => [theme.code, theme]));
    input.themes?.forEach((code, index) => {
      if (code.trim() !== '' && !byCode.has(code.trim())) checks.add(UserErrorCode.INVALID_VALUE, `input.themes[${index}]`, `Unknown theme "${code}"`);
    });
    references.themes = codes.flatMap((code) => byCode.get(code) ?? []);
  }
  const postal = [...distinctCodes(input.areas), ...(input.postalCode ? [input.postalCode] : [])].filter((code) => /^\d{5}$/.test(code));
  const known = new Set(postal.length > 0 ? (await em.find(PostalArea, { postalCode: { $in: postal } })).map((area) => area.postalCode) : []);
  input.areas?.forEach((code, index) => {
    if (/^\d{5}$/.test(code.trim()) && !known.has(code.trim())) checks.add(UserErrorCode.UNKNOWN_POSTAL_CODE, `input.areas[${index}]`, `Unknown postal code "${code}"`);
  });
  if (input.postalCode && /^\d{5}$/.test(input.postalCode) && !known.has(input.postalCode)) {
    checks.add(UserErrorCode.UNKNOWN_POSTAL_CODE, 'input.postalCode', `Unknown postal code "${input.postalCode}"`);
  }
  if (input.areas !== undefined) references.areas = distinctCodes(input.areas);
  return references;
}

/** Makes the post's themes and areas what the input says, removing and adding only the difference (audited). */
async function replaceSets(em: EntityManager, post: Post, references: References): Promise<boolean> {
  let changed = false;
  if (references.themes) {
    const wanted = new Map(references.themes.map((theme) => [theme.id, theme]));
    const existing = await em.find(PostTheme, { post: post.id });
    for (const row of existing.filter((row) => !wanted.has(row.theme.id))) {
      em.remove(row);
      changed = true;
    }
    for (const [id, theme] of wanted) {
      if (existing.some((row) => row.theme.id === id)) continue;
      em.create(PostTheme, { post, theme });
      changed = true;
    }
  }
  if (references.areas) {
    const wanted = new Set(references.areas);
    const existing = await em.find(PostArea, { post: post.id });
    for (const row of existing.filter((row) => !wanted.has(row.postalArea.postalCode))) {
      em.remove(row);
      changed = true;
    }
    for (const code of wanted) {
      if (existing.some((row) => row.postalArea.postalCode === code)) continue;
      em.create(PostArea, { post, postalArea: em.getReference(PostalArea, code) });
      changed = true;
    }
  }
  return changed;
}

/** The stored fields, for validating an update as the post will be after it. */
function currentFields(post: Post): PostFields {
  return {
    title: post.title,
    body: post.body,
    startsAt: post.startsAt ?? null,
    endsAt: post.endsAt ?? null,
    place: post.place ?? null,
    postalCode: post.postalArea?.postalCode ?? null,
    partnerSought: post.partnerSought ?? null,
    roleWanted: post.roleWanted ?? null,
    opensOn: post.opensOn ?? null,
    closesOn: post.closesOn ?? null,
    eligibleApplicants: post.eligibleApplicants ?? null,
    outcomes: post.outcomes ?? null,
    links: post.links,
  };
}

/** Copies the given kind-specific and common fields onto the post (undefined keeps, null clears). */
function assign(em: EntityManager, post: Post, input: PostFields & { visibility?: PostVisibility | null }): void {
  if (input.visibility != null) post.visibility = input.visibility;
  if (input.title != null) post.title = input.title;
  if (input.body != null) post.body = input.body;
  if (input.startsAt !== undefined) post.startsAt = input.startsAt ?? undefined;
  if (input.endsAt !== undefined) post.endsAt = input.endsAt ?? undefined;
  if (input.place !== undefined) post.place = input.place ?? undefined;
  if (input.postalCode !== undefined) post.postalArea = input.postalCode ? em.getReference(PostalArea, input.postalCode, { wrapped: true }) : undefined;
  if (input.partnerSought !== undefined) post.partnerSought = input.partnerSought ?? undefined;
  if (input.roleWanted !== undefined) post.roleWanted = input.roleWanted ?? undefined;
  if (input.opensOn !== undefined) post.opensOn = input.opensOn ?? undefined;
  if (input.closesOn !== undefined) post.closesOn = input.closesOn ?? undefined;
  if (input.eligibleApplicants !== undefined) post.eligibleApplicants = input.eligibleApplicants ?? undefined;
  if (input.outcomes !== undefined) post.outcomes = input.outcomes ?? undefined;
  if (input.links !== undefined) post.links = [...(input.links ?? [])];
}

@Resolver()
export class PostMutationResolver {
  @Mutation(() => CreatePostPayload, {
    nullable: true,
    description:
      "Publish a post for an organisation. Its verified members (and admins); a CALL only the coordinators of the programme it is about. A post about a project needs the organisation to take part in it (or a coordinator of the project's programme).",
  })
  async createPost(@Arg('input', () => CreatePostInput, { description: 'The post.' }) input: CreatePostInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'createPost', idempotencyKey: input.idempotencyKey, input, resultEntity: Post }, async ({ em, actingFor }) => {
      const organisationId = decodeEntityId(input.organisation, ['Organisation'], 'input.organisation');
      const organisation = organisationId === undefined ? null : await em.findOne(Organisation, { id: organisationId });
      if (!organisation) throw refusal(UserErrorCode.NOT_FOUND, 'input.organisation', `No organisation ${input.organisation}`);
      const programmeId = input.programme == null ? undefined : decodeEntityId(input.programme, ['Programme'], 'input.programme');
      const programme = programmeId === undefined ? null : await em.findOne(Programme, { id: programmeId });
      if (input.programme != null && !programme) throw refusal(UserErrorCode.NOT_FOUND, 'input.programme', `No programme ${input.programme}`);
      if (!canWritePost(ctx.viewer, { isCall: input.kind === PostKind.CALL, organisationId: organisation.id, programmeId: programme?.id ?? null })) {
        throw forbidden(
          input.kind === PostKind.CALL
            ? "Only the coordinators of the call's programme may publish a CALL"
            : 'Publish posts as a verified member of the organisation',
        );
      }
      if (organisation.archivedAt) throw refusal(UserErrorCode.ARCHIVED, 'input.organisation', `${organisation.name} is archived`);
      const checks = validatePostFields(input.kind, input, null);
      if (input.kind === PostKind.CALL && input.programme == null) checks.add(UserErrorCode.REQUIRED, 'input.programme', 'A CALL is about a programme: give input.programme');
      if (input.project != null && input.programme != null) {
        checks.add(UserErrorCode.INVALID_VALUE, 'input.programme', 'A post is about a project or a programme, not both (a project brings its programme)');
      }
      assertNoUserErrors(checks.errors);
      let project: Project | null = null;
      if (input.project != null) {
        const key = decodeEntityId(input.project, ['Project'], 'input.project');
        // Row-level security: a project the viewer may not see is NOT_FOUND, like a missing one.
        const visible = key === undefined ? [] : await em.execute<{ id: number }[]>('select t.id from project t where t.id = ?', [key]);
        project = visible.length > 0 ? await em.findOne(Project, { id: key }) : null;
        if (!project) throw refusal(UserErrorCode.NOT_FOUND, 'input.project', `No project ${input.project}`);
        const takesPart = await em.findOne(Participation, { project: project.id, organisation: organisation.id });
        if (!takesPart && !isAdmin(ctx.viewer) && !isCoordinator(ctx.viewer, project.programme.id)) {
          throw refusal(UserErrorCode.INVALID_VALUE, 'input.project', `${organisation.name} does not take part in this project`);
        }
      }
      const references = await checkReferences(em, input, checks);
      assertNoUserErrors(checks.errors);
      const post = em.create(Post, {
        organisation,
        kind: input.kind,
        visibility: input.visibility ?? PostVisibility.PUBLIC,
        title: input.title,
        body: input.body,
        project: project ?? undefined,
        programme: programme ?? undefined,
      });
      assign(em, post, input);
      await replaceSets(em, post, references);
      actingFor(organisation.id);
      return post;
    });
    return { post: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => UpdatePostPayload, { nullable: true, description: 'Change a published post. Who may: as for `createPost`; withdrawn posts cannot be changed (INVALID_TRANSITION).' })
  async updatePost(@Arg('input', () => UpdatePostInput, { description: 'The changes.' }) input: UpdatePostInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'updatePost' }, async ({ em, actingFor }) => {
      const post = await findPost(em, input.id);
      if (!canWritePost(ctx.viewer, accessOf(post))) throw forbidden('You may not change this post');
      checkVersion(post.version, input.expectedVersion);
      if (post.status === PostStatus.WITHDRAWN) throw refusal(UserErrorCode.INVALID_TRANSITION, 'input.id', 'The post is withdrawn and can no longer be changed');
      const checks = validatePostFields(post.kind, input, currentFields(post));
      if (input.visibility === null) checks.add(UserErrorCode.REQUIRED, 'input.visibility', 'input.visibility cannot be cleared');
      assertNoUserErrors(checks.errors);
      const references = await checkReferences(em, input, checks);
      assertNoUserErrors(checks.errors);
      assign(em, post, input);
      // A changed set is a change to the post: touching it moves `version` on, so stale forms notice.
      if (await replaceSets(em, post, references)) post.updatedAt = new Date();
      actingFor(post.organisation.id);
      return post;
    });
    return { post: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => WithdrawPostPayload, { nullable: true, description: 'Withdraw a post: it stays readable to the same readers, marked WITHDRAWN. Who may: as for `updatePost`.' })
  async withdrawPost(@Arg('input', () => WithdrawPostInput, { description: 'Which post.' }) input: WithdrawPostInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'withdrawPost' }, async ({ em, actingFor }) => {
      const post = await findPost(em, input.id);
      if (!canWritePost(ctx.viewer, accessOf(post))) throw forbidden('You may not withdraw this post');
      checkVersion(post.version, input.expectedVersion);
      if (post.status === PostStatus.WITHDRAWN) throw refusal(UserErrorCode.INVALID_TRANSITION, 'input.id', 'The post is already withdrawn');
      post.status = PostStatus.WITHDRAWN;
      post.withdrawnAt = new Date();
      actingFor(post.organisation.id);
      return post;
    });
    return { post: outcome.result, userErrors: outcome.userErrors };
  }
}
