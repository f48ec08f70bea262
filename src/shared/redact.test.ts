import { REDACTED, redactError, redactHeaders, redactText, redactValue } from './redact';

const TOKEN = 'silta_' + 'A1b2C3d4'.repeat(5) + 'xyz';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXBhcnQ';

describe('redactText', () => {
  it.each([
    [`Authorization: Bearer ${TOKEN}`, 'Bearer [REDACTED]'],
    [`token ${TOKEN} was used`, `token silta_${REDACTED} was used`],
    ['Proxy-Authorization: Basic dXNlcjpodW50ZXIy', 'Basic [REDACTED]'],
    [`jwt=${JWT}`, REDACTED],
    ['connect postgres://silta:hunter2@db.example:5432/silta failed', 'postgres://silta:[REDACTED]@db.example'],
    ['host=db password=hunter2 user=silta', 'password=[REDACTED]'],
    ['/graphql?query=x&access_token=abc123', 'access_token=[REDACTED]'],
  ])('masks %s', (text, expected) => {
    const result = redactText(text);
    expect(result).toContain(expected);
    expect(result).not.toMatch(/hunter2|abc123|c2lnbmF0dXJl|A1b2C3d4A1b2|dXNlcjpodW50ZXIy/);
  });

  it('keeps JSON valid when a secret sits in an escaped string', () => {
    const line = JSON.stringify({ msg: JSON.stringify({ authorization: `Bearer ${TOKEN}` }) });
    expect(JSON.parse(JSON.parse(redactText(line)).msg)).toEqual({ authorization: `Bearer ${REDACTED}` });
  });

  it('leaves ordinary text and database names alone', () => {
    const text = 'created database silta_test_empty_1234 at http://127.0.0.1:4000/graphql';
    expect(redactText(text)).toBe(text);
  });
});

describe('structural redaction', () => {
  it('masks credential headers by name', () => {
    expect(redactHeaders({ authorization: 'x', cookie: 'y', 'x-api-key': 'z', 'x-session-token': 'w', 'content-type': 'application/json' })).toEqual({
      authorization: REDACTED,
      cookie: REDACTED,
      'x-api-key': REDACTED,
      'x-session-token': REDACTED,
      'content-type': 'application/json',
    });
  });

  it('masks credential fields at any depth but keeps their identifiers', () => {
    const value = { variables: { input: { token: 'abc', name: 'n' } }, payload: { secret: 's', tokenId: 7, accessToken: 'a', tokenHash: 'h' } };
    expect(redactValue(value)).toEqual({
      variables: { input: { token: REDACTED, name: 'n' } },
      payload: { secret: REDACTED, tokenId: 7, accessToken: REDACTED, tokenHash: REDACTED },
    });
  });

  it('drops request bodies and client settings from errors', () => {
    const error = { type: 'SyntaxError', message: 'Unexpected end', body: '{"token":"abc"', config: { headers: { authorization: 'x' } }, stack: 'at x' };
    expect(redactError(error)).toEqual({ type: 'SyntaxError', message: 'Unexpected end', body: REDACTED, config: REDACTED, stack: 'at x' });
  });
});

describe('feed URLs', () => {
  it('masks a token in a feed URL, wherever it sits in the query string', () => {
    for (const url of [`/feeds/activity.atom?token=${TOKEN}`, `/feeds/activity.atom?scheme=KAKE&token=${TOKEN}&kinds=PROJECT_CREATED`]) {
      const result = redactText(JSON.stringify({ req: { url } }));
      expect(result).not.toContain('A1b2C3d4');
      expect(result).toContain('token=[REDACTED]');
    }
    expect(redactText('/feeds/activity.atom?token=not-a-silta-token')).toBe('/feeds/activity.atom?token=[REDACTED]');
  });
});
