import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { runMutation } from '../mutation/mutation.runner';
import { assertNoUserErrors, refusal, UserError, UserErrorCode } from '../../shared/mutations/user-error';
import { Checks } from '../../shared/mutations/validation';
import { decodeEntityId } from '../../shared/relay/global-id';
import { Account, ApiToken } from './account.entity';
import { TokenScope } from './auth.enums';
import { generateToken, hashToken, MAX_VALID_DAYS } from './tokens';
import { isAdmin } from './viewer';

@InputType({ description: 'A new API token for the calling account.' })
export class CreateApiTokenInput {
  @Field(() => String, { description: 'What the token is for, e.g. "Kalakukko portal".' })
  name!: string;

  @Field(() => TokenScope, { defaultValue: TokenScope.READ_WRITE, description: 'Read-only or read-write (never more than the account may do).' })
  scope: TokenScope = TokenScope.READ_WRITE;

  @Field(() => Int, { defaultValue: 90, description: `Days until it expires (1–${MAX_VALID_DAYS}).` })
  validDays: number = 90;
}

@InputType({ description: 'Revoke an API token.' })
export class RevokeApiTokenInput {
  @Field(() => ID, { description: 'The token (an ApiToken ID).' })
  id!: string;
}

@ObjectType({ description: 'Result of `createApiToken`: the secret is shown here once and never again.' })
export class CreateApiTokenPayload {
  @Field(() => String, { nullable: true, description: 'The token to send as "Authorization: Bearer <token>". Store it now.' })
  secret!: string | null;

  @Field(() => ApiToken, { nullable: true, description: 'The token’s details.' })
  apiToken!: ApiToken | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'Result of `revokeApiToken`.' })
export class RevokeApiTokenPayload {
  @Field(() => ApiToken, { nullable: true, description: 'The revoked token.' })
  apiToken!: ApiToken | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserError[];
}

@Resolver()
export class ApiTokenMutationResolver {
  @Mutation(() => CreateApiTokenPayload, { nullable: true, description: 'Issue an API token for the calling account. Any signed-in account with write access.' })
  async createApiToken(@Arg('input', () => CreateApiTokenInput, { description: 'The token.' }) input: CreateApiTokenInput, @Ctx() ctx: Context) {
    let secret: string | null = null;
    const outcome = await runMutation(ctx, { operation: 'createApiToken' }, async ({ em }) => {
      const checks = new Checks().required(input.name, 'input.name').maxLength(input.name, 200, 'input.name');
      if (!Number.isInteger(input.validDays) || input.validDays < 1 || input.validDays > MAX_VALID_DAYS) {
        checks.add(UserErrorCode.INVALID_VALUE, 'input.validDays', `validDays must be between 1 and ${MAX_VALID_DAYS}`);
      }
      assertNoUserErrors(checks.errors);
      secret = generateToken();
      return em.create(ApiToken, {
        account: em.getReference(Account, ctx.viewer.accountId!),
        tokenHash: hashToken(secret),
        prefix: secret.slice(0, 12),
        name: input.name,
        scope: input.scope,
        expiresAt: new Date(Date.now() + input.validDays * 24 * 3600 * 1000),
      });
    });
    return { secret: outcome.result ? secret : null, apiToken: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => RevokeApiTokenPayload, { nullable: true, description: 'Revoke one of your own tokens (admins: anyone’s).' })
  async revokeApiToken(@Arg('input', () => RevokeApiTokenInput, { description: 'Which token.' }) input: RevokeApiTokenInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'revokeApiToken' }, async ({ em }) => {
      const id = decodeEntityId(input.id, ['ApiToken'], 'input.id');
      const token = id === undefined ? null : await em.findOne(ApiToken, { id });
      if (!token || (token.account.id !== ctx.viewer.accountId && !isAdmin(ctx.viewer))) {
        throw refusal(UserErrorCode.NOT_FOUND, 'input.id', `No token ${input.id}`);
      }
      if (token.revokedAt) throw refusal(UserErrorCode.INVALID_VALUE, 'input.id', 'The token is already revoked');
      token.revokedAt = new Date();
      return token;
    });
    return { apiToken: outcome.result, userErrors: outcome.userErrors };
  }
}
