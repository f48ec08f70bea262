import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/** A city's identity provider, played by a local JWKS endpoint and a key of our own. */
const ISSUER = 'https://sso.kuopio.example';
let app: TestApp;
let jwks: http.Server;
let privateKey: KeyLike;
let strangerKey: KeyLike;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  jwks = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
  app = await startTestApp('empty', { oidc: { issuer: ISSUER, jwksUrl: url, audience: 'silta' } });
});
afterAll(async () => {
  await app.close();
  await new Promise((resolve) => jwks.close(resolve));
});

function token(claims: Record<string, unknown>, options: { key?: KeyLike; issuer?: string; expiresIn?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience('silta')
    .setSubject('user-123')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(options.key ?? privateKey);
}

describe('sign-in with the city’s identity provider (OIDC JWT)', () => {
  it('maps the subject to an account, created on first sign-in and reused after', async () => {
    const jwt = await token({ name: 'Kaisa Kuopiolainen' });
    const first = dataOf(await app.gql('{ viewer { signedIn roles account { id name } } }', {}, { token: jwt })).viewer;
    expect(first).toMatchObject({ signedIn: true, roles: ['PUBLIC'], account: { name: 'Kaisa Kuopiolainen' } });
    const second = dataOf(await app.gql('{ viewer { account { id } } }', {}, { token: await token({ name: 'Kaisa K.' }) })).viewer;
    expect(second.account.id).toBe(first.account.id);
    const [{ count }] = await app.sql<{ count: string }>(`select count(*) from account where oidc_issuer = ?`, [ISSUER]);
    expect(Number(count)).toBe(1);
  });

  it.each([
    ['signed by another key', () => token({}, { key: strangerKey })],
    ['from another issuer', () => token({}, { issuer: 'https://evil.example' })],
    ['expired', () => token({}, { expiresIn: '-1m' })],
  ])('refuses a token %s with UNAUTHENTICATED (401)', async (_label, make) => {
    const response = await app.gql('{ viewer { signedIn } }', {}, { token: await make() });
    expect(response.status).toBe(401);
    expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
