import type { EntityManager } from '@mikro-orm/postgresql';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Account, ApiToken, Membership, ProgrammeCoordinator } from './account.entity';
import { AccountKind, type GlobalRole, TokenScope } from './auth.enums';
import { generateToken, hashToken } from './tokens';

/** Account and token administration, used by the `silta` command line and by tests. */

export interface CreateAccountInput {
  name: string;
  email?: string;
  kind?: AccountKind;
  globalRoles?: GlobalRole[];
}

export async function createAccount(em: EntityManager, input: CreateAccountInput): Promise<Account> {
  const account = em.create(Account, {
    name: input.name,
    email: input.email,
    kind: input.kind ?? AccountKind.PERSON,
    globalRoles: input.globalRoles ?? [],
  });
  await em.flush();
  return account;
}

/**
 * Makes the account a member of the organisation, or verifies an existing membership. Operators
 * (the command line) grant verified memberships; `verified: false` is for tests of new members.
 */
export async function addMembership(em: EntityManager, accountId: number, organisationId: number, options: { verified: boolean }): Promise<void> {
  const membership =
    (await em.findOne(Membership, { account: accountId, organisation: organisationId })) ??
    em.create(Membership, { account: em.getReference(Account, accountId), organisation: em.getReference(Organisation, organisationId) });
  if (options.verified && !membership.verifiedAt) membership.verifiedAt = new Date();
  await em.flush();
}

export async function addCoordinator(em: EntityManager, accountId: number, programmeId: number): Promise<void> {
  em.create(ProgrammeCoordinator, { account: em.getReference(Account, accountId), programme: em.getReference(Programme, programmeId) });
  await em.flush();
}

export interface IssuedToken {
  token: string;
  record: ApiToken;
}

/** Issues a token; the token itself is returned once and only its hash is stored. */
export async function issueToken(
  em: EntityManager,
  accountId: number,
  options: { name: string; scope?: TokenScope; validDays?: number },
): Promise<IssuedToken> {
  const token = generateToken();
  const record = em.create(ApiToken, {
    account: em.getReference(Account, accountId),
    tokenHash: hashToken(token),
    prefix: token.slice(0, 12),
    name: options.name,
    scope: options.scope ?? TokenScope.READ_WRITE,
    expiresAt: new Date(Date.now() + (options.validDays ?? 90) * 24 * 3600 * 1000),
  });
  await em.flush();
  return { token, record };
}

export async function revokeToken(em: EntityManager, tokenId: number): Promise<boolean> {
  const token = await em.findOne(ApiToken, { id: tokenId, revokedAt: null });
  if (!token) return false;
  token.revokedAt = new Date();
  await em.flush();
  return true;
}
