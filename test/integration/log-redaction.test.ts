import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { createAccount, issueToken, revokeToken } from '../../src/modules/auth/account.service';
import { GlobalRole } from '../../src/modules/auth/auth.enums';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * Credentials never reach the log: requests with every kind of token and cookie, at the most verbose
 * level, and the captured log is searched for each secret (and must still hold the request lines).
 */
const ISSUER = 'https://sso.kuopio.example';
let app: TestApp;
let jwks: http.Server;
let privateKey: KeyLike;
const log: string[] = [];
const secrets: Record<string, string> = {};

function jwt(expiresIn: string): Promise<string> {
  return new SignJWT({ name: 'Kaisa Kuopiolainen' })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer(ISSUER)
    .setAudience('silta')
    .setSubject('user-log-1')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(privateKey);
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  jwks = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
  const logTo = new Writable({ write: (chunk: Buffer, _encoding, done) => void (log.push(chunk.toString()), done()) });
  app = await startTestApp('empty', { oidc: { issuer: ISSUER, jwksUrl, audience: 'silta' } }, { logTo, logLevel: 'trace' });
});
afterAll(async () => {
  await app.close();
  await new Promise((resolve) => jwks.close(resolve));
});

describe('the log', () => {
  it('holds no token, JWT, cookie or API key, whatever the requests carried', async () => {
    const em = app.orm.em.fork();
    const account = await createAccount(em, { name: 'Lokittaja', globalRoles: [GlobalRole.ANALYST] });
    secrets.good = (await issueToken(em, account.id, { name: 'good' })).token;
    secrets.expired = (await issueToken(em, account.id, { name: 'expired', validDays: -1 })).token;
    const revoked = await issueToken(em, account.id, { name: 'revoked' });
    await revokeToken(em, revoked.record.id);
    secrets.revoked = revoked.token;
    secrets.unknown = 'silta_' + 'x'.repeat(43);
    secrets.garbage = 'not-a-silta-token-but-secret-anyway-7f3a';
    secrets.jwt = await jwt('5m');
    secrets.expiredJwt = await jwt('-1m');
    secrets.cookie = 'session-cookie-value-9d2b71';
    secrets.apiKey = 'api-key-value-41c0e8';

    expect(dataOf(await app.gql('{ viewer { signedIn } }', {}, { token: secrets.good })).viewer.signedIn).toBe(true);
    for (const token of [secrets.expired, secrets.revoked, secrets.unknown, secrets.garbage, secrets.expiredJwt]) {
      expect((await app.gql('{ viewer { signedIn } }', {}, { token })).status).toBe(401);
    }
    expect(dataOf(await app.gql('{ viewer { signedIn } }', {}, { token: secrets.jwt })).viewer.signedIn).toBe(true);
    await app.gql('{ viewer { signedIn } }', {}, {
      headers: { cookie: `sid=${secrets.cookie}`, 'x-api-key': secrets.apiKey, 'proxy-authorization': `Basic ${secrets.apiKey}` },
    });

    // A fresh token comes back in the response; it is then used, in a header and in a query string.
    const created = dataOf(
      await app.gql('mutation { createApiToken(input: { name: "logged?" }) { secret userErrors { code } } }', {}, { token: secrets.good }),
    );
    secrets.created = created.createApiToken.secret;
    expect(secrets.created).toMatch(/^silta_/);
    expect(dataOf(await app.gql('{ viewer { signedIn } }', {}, { token: secrets.created })).viewer.signedIn).toBe(true);
    const query = encodeURIComponent('{ viewer { signedIn } }');
    await fetch(`${app.url}/graphql?query=${query}&access_token=${secrets.created}`, { headers: { 'apollo-require-preflight': 'true' } });

    // Secrets in variables and in a body that is not JSON.
    await app.gql('query($token: String) { viewer { signedIn } }', { token: secrets.good });
    await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.good}` },
      body: `{"query": "{ viewer { signedIn } }", "variables": {"token": "${secrets.good}"`,
    });

    // An unexpected error (a missing table) is logged with its SQL and error object, but no secrets.
    await app.sql('alter table theme rename to theme_hidden');
    try {
      const failed = await app.gql('{ themes { code } }', {}, { token: secrets.jwt, headers: { cookie: `sid=${secrets.cookie}` } });
      expect(failed.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await app.sql('alter table theme_hidden rename to theme');
    }

    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = log.join('');
    // Not vacuous: the requests were logged, with their headers, at trace level.
    const lines = log.map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines.filter((line) => line.msg === 'request completed').length).toBeGreaterThanOrEqual(12);
    expect(lines.some((line) => line.req?.headers?.authorization === '[REDACTED]')).toBe(true);
    expect(lines.some((line) => line.req?.headers?.cookie === '[REDACTED]')).toBe(true);
    expect(lines.some((line) => line.msg === 'unexpected error in a GraphQL request' && /theme/.test(JSON.stringify(line.err)))).toBe(true);
    expect(lines.some((line) => line.orm)).toBe(true);

    const [, jwtPayload, jwtSignature] = secrets.jwt.split('.');
    const leaked = Object.entries({ ...secrets, jwtPayload, jwtSignature }).filter(([, secret]) => text.includes(secret));
    expect(leaked.map(([name]) => name)).toEqual([]);
  });
});
