import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { forbidden } from '../../shared/errors';
import { MutationPayload } from '../../shared/mutations/payload';
import { runMutation } from '../mutation/mutation.runner';
import { assertNoUserErrors, refusal, UserErrorCode } from '../../shared/mutations/user-error';
import { Checks } from '../../shared/mutations/validation';
import { decodeEntityId } from '../../shared/relay/global-id';
import { canManageVocabulary } from '../auth/permissions';
import { TargetGroup, Theme } from './vocabulary.entity';

const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const MAX_CODE = 60;
const MAX_LABEL = 200;
const RESET_NOTE = 'The change persists across restarts (start-up only adds missing built-in terms).';

@InputType({ description: 'A new theme (teema) in the controlled vocabulary.' })
export class CreateThemeInput {
  @Field(() => String, { description: 'Stable SCREAMING_SNAKE_CASE code (at most 60 characters), e.g. "CIRCULAR_ECONOMY"; unique.' })
  code!: string;

  @Field(() => String, { description: 'Label in Finnish (at most 200 characters).' })
  labelFi!: string;

  @Field(() => String, { description: 'Label in English (at most 200 characters).' })
  labelEn!: string;
}

@InputType({ description: 'New labels for a theme; the code is stable and cannot change. Omitted labels stay as they are.' })
export class UpdateThemeInput {
  @Field(() => ID, { description: 'The theme.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'Label in Finnish (at most 200 characters).' })
  labelFi?: string | null;

  @Field(() => String, { nullable: true, description: 'Label in English (at most 200 characters).' })
  labelEn?: string | null;
}

@InputType({ description: 'A new target group (kohderyhmä) in the controlled vocabulary.' })
export class CreateTargetGroupInput {
  @Field(() => String, { description: 'Stable SCREAMING_SNAKE_CASE code (at most 60 characters), e.g. "CARERS"; unique.' })
  code!: string;

  @Field(() => String, { description: 'Label in Finnish (at most 200 characters).' })
  labelFi!: string;

  @Field(() => String, { description: 'Label in English (at most 200 characters).' })
  labelEn!: string;
}

@InputType({ description: 'New labels for a target group; the code is stable and cannot change. Omitted labels stay as they are.' })
export class UpdateTargetGroupInput {
  @Field(() => ID, { description: 'The target group.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'Label in Finnish (at most 200 characters).' })
  labelFi?: string | null;

  @Field(() => String, { nullable: true, description: 'Label in English (at most 200 characters).' })
  labelEn?: string | null;
}

export const CreateThemePayload = MutationPayload('CreateTheme', 'theme', Theme, 'theme');
export const UpdateThemePayload = MutationPayload('UpdateTheme', 'theme', Theme, 'theme');
export const CreateTargetGroupPayload = MutationPayload('CreateTargetGroup', 'targetGroup', TargetGroup, 'target group');
export const UpdateTargetGroupPayload = MutationPayload('UpdateTargetGroup', 'targetGroup', TargetGroup, 'target group');

interface TermFields {
  code?: string | null;
  labelFi?: string | null;
  labelEn?: string | null;
}

/** Checks shared by themes and target groups; no database. */
export function validateTermFields(input: TermFields, creating: boolean): Checks {
  const checks = new Checks();
  if (creating) checks.required(input.code, 'input.code');
  for (const field of ['labelFi', 'labelEn'] as const) {
    if (creating || input[field] !== undefined) checks.required(input[field], `input.${field}`);
    checks.maxLength(input[field], MAX_LABEL, `input.${field}`);
  }
  return checks
    .pattern(input.code || null, CODE, 'input.code', 'A code is SCREAMING_SNAKE_CASE: capital letters, digits and single underscores, e.g. "LOCAL_FOOD"')
    .maxLength(input.code, MAX_CODE, 'input.code');
}

type Term = typeof Theme | typeof TargetGroup;

function requireVocabularyManager(ctx: Context): void {
  if (ctx.viewer.accountId !== null && !canManageVocabulary(ctx.viewer)) throw forbidden('Only coordinators and admins may change the vocabularies');
}

async function createTerm(em: EntityManager, entity: Term, input: CreateThemeInput | CreateTargetGroupInput): Promise<Theme | TargetGroup> {
  const checks = validateTermFields(input, true);
  assertNoUserErrors(checks.errors);
  if (await em.findOne(entity, { code: input.code })) {
    throw refusal(UserErrorCode.ALREADY_EXISTS, 'input.code', 'Another term already has this code');
  }
  return em.create(entity, { code: input.code, labelFi: input.labelFi.trim(), labelEn: input.labelEn.trim() });
}

async function updateTerm(em: EntityManager, entity: Term, input: UpdateThemeInput | UpdateTargetGroupInput): Promise<Theme | TargetGroup> {
  const key = decodeEntityId(input.id, [entity.name], 'input.id');
  const term = key === undefined ? null : await em.findOne(entity, { id: key });
  if (!term) throw refusal(UserErrorCode.NOT_FOUND, 'input.id', `No ${entity === Theme ? 'theme' : 'target group'} ${input.id}`);
  assertNoUserErrors(validateTermFields(input, false).errors);
  if (input.labelFi != null) term.labelFi = input.labelFi.trim();
  if (input.labelEn != null) term.labelEn = input.labelEn.trim();
  return term;
}

@Resolver()
export class VocabularyMutationResolver {
  @Mutation(() => CreateThemePayload, { nullable: true, description: 'Add a theme (teema) to the controlled vocabulary. Coordinators of any programme and admins.' })
  async createTheme(@Arg('input', () => CreateThemeInput, { description: 'The theme.' }) input: CreateThemeInput, @Ctx() ctx: Context) {
    requireVocabularyManager(ctx);
    const outcome = await runMutation(ctx, { operation: 'createTheme' }, ({ em }) => createTerm(em, Theme, input));
    return { theme: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => UpdateThemePayload, { nullable: true, description: `Correct the labels of a theme. Coordinators of any programme and admins. ${RESET_NOTE}` })
  async updateTheme(@Arg('input', () => UpdateThemeInput, { description: 'The changes.' }) input: UpdateThemeInput, @Ctx() ctx: Context) {
    requireVocabularyManager(ctx);
    const outcome = await runMutation(ctx, { operation: 'updateTheme' }, ({ em }) => updateTerm(em, Theme, input));
    return { theme: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => CreateTargetGroupPayload, { nullable: true, description: 'Add a target group (kohderyhmä) to the controlled vocabulary. Coordinators of any programme and admins.' })
  async createTargetGroup(@Arg('input', () => CreateTargetGroupInput, { description: 'The target group.' }) input: CreateTargetGroupInput, @Ctx() ctx: Context) {
    requireVocabularyManager(ctx);
    const outcome = await runMutation(ctx, { operation: 'createTargetGroup' }, ({ em }) => createTerm(em, TargetGroup, input));
    return { targetGroup: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => UpdateTargetGroupPayload, { nullable: true, description: `Correct the labels of a target group. Coordinators of any programme and admins. ${RESET_NOTE}` })
  async updateTargetGroup(@Arg('input', () => UpdateTargetGroupInput, { description: 'The changes.' }) input: UpdateTargetGroupInput, @Ctx() ctx: Context) {
    requireVocabularyManager(ctx);
    const outcome = await runMutation(ctx, { operation: 'updateTargetGroup' }, ({ em }) => updateTerm(em, TargetGroup, input));
    return { targetGroup: outcome.result, userErrors: outcome.userErrors };
  }
}
