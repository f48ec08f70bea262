import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../../config';
import { ErrorCode } from '../../shared/errors';
import { AccountKind, type GlobalRole, TokenScope } from './auth.enums';
import { hashToken, looksLikeApiToken, looksLikeJwt } from './tokens';
import { ANONYMOUS, type Viewer } from './viewer';

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

interface AccountRow {
  account_id: number;
  account_name: string;
  global_roles: GlobalRole[];
  organisation_ids: number[];
  verified_organisation_ids: number[];
  programme_ids: number[];
  token_id?: number;
  scope?: TokenScope;
}

const ACCOUNT_COLUMNS = `a.id as account_id, a.name as account_name, a.global_roles,
  array(select m.organisation_id from membership m where m.account_id = a.id order by 1) as organisation_ids,
  array(select m.organisation_id from membership m where m.account_id = a.id and m.verified_at is not null order by 1) as verified_organisation_ids,
  array(select c.programme_id from programme_coordinator c where c.account_id = a.id order by 1) as programme_ids`;

function toViewer(row: AccountRow, tokenId: number | null, scope: TokenScope): Viewer {
  return {
    accountId: row.account_id,
    accountName: row.account_name,
    tokenId,
    scope,
    globalRoles: new Set(row.global_roles),
    organisationIds: row.organisation_ids.map(Number),
    verifiedOrganisationIds: row.verified_organisation_ids.map(Number),
    coordinatedProgrammeIds: row.programme_ids.map(Number),
  };
}

/**
 * What an account may see right now, for work done on its behalf outside a request (webhook
 * deliveries): the same columns as a sign-in, read with any runner of `$n` SQL; null when the account
 * is missing or disabled. Read-only: such work never writes as the account.
 */
export async function accountViewer(run: <R>(sql: string, params: unknown[]) => Promise<R[]>, accountId: number): Promise<Viewer | null> {
  const [row] = await run<AccountRow>(`select ${ACCOUNT_COLUMNS} from account a where a.id = $1 and a.disabled_at is null`, [accountId]);
  return row ? toViewer(row, null, TokenScope.READ_ONLY) : null;
}

/**
 * Resolves `Authorization: Bearer …` to a Viewer, in one statement: a Silta API token (by hash) or,
 * when OIDC is configured, a JWT from the city's identity provider, verified with jose against its
 * JWKS and mapped to an account by issuer and subject (created on first sign-in, with no roles).
 * A missing header is anonymous; a bad, expired or revoked token is UNAUTHENTICATED (HTTP 401).
 */
export class Authenticator {
  private readonly jwks;

  constructor(private readonly oidc: Config['oidc']) {
    this.jwks = oidc ? createRemoteJWKSet(new URL(oidc.jwksUrl)) : undefined;
  }

  async authenticate(em: EntityManager, header: string | undefined): Promise<Viewer> {
    if (header === undefined || header === '') return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    const token = match[1];
    if (looksLikeApiToken(token)) return this.apiToken(em, token);
    if (looksLikeJwt(token) && this.oidc) return this.jwt(em, token);
    throw unauthenticated('Unknown kind of token');
  }

  private async apiToken(em: EntityManager, token: string): Promise<Viewer> {
    const [row] = await em.execute<AccountRow[]>(
      `select ${ACCOUNT_COLUMNS}, t.id as token_id, t.scope
       from api_token t join account a on a.id = t.account_id
       where t.token_hash = ? and t.revoked_at is null and t.expires_at > now() and a.disabled_at is null`,
      [hashToken(token)],
    );
    if (!row) throw unauthenticated('The token is unknown, expired or revoked');
    return toViewer(row, Number(row.token_id), row.scope!);
  }

  private async jwt(em: EntityManager, token: string): Promise<Viewer> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks!, { issuer: this.oidc!.issuer, audience: this.oidc!.audience }));
    } catch {
      throw unauthenticated('The identity token is invalid or expired');
    }
    if (!payload.sub) throw unauthenticated('The identity token has no subject');
    const issuer = this.oidc!.issuer;
    const name = typeof payload.name === 'string' ? payload.name.slice(0, 200) : payload.sub;
    // First sign-in creates the account; roles are granted separately by an admin. Not audited: it
    // happens while authenticating, before there is an actor, and grants nothing.
    await em.execute(
      // eslint-disable-next-line no-restricted-syntax -- see above
      `insert into account (name, kind, oidc_issuer, oidc_subject) values (?, ?, ?, ?)
       on conflict (oidc_issuer, oidc_subject) do nothing`,
      [name, AccountKind.PERSON, issuer, payload.sub],
    );
    const [row] = await em.execute<AccountRow[]>(
      `select ${ACCOUNT_COLUMNS} from account a where a.oidc_issuer = ? and a.oidc_subject = ? and a.disabled_at is null`,
      [issuer, payload.sub],
    );
    if (!row) throw unauthenticated('The account is disabled');
    return toViewer(row, null, TokenScope.READ_WRITE);
  }
}
