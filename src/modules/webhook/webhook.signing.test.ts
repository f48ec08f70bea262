import { createHmac } from 'node:crypto';
import { generateSigningSecret, signature, verifySignature } from './webhook.signing';

describe('webhook signatures', () => {
  const secret = generateSigningSecret();
  const body = JSON.stringify({ id: '1', type: 'PROJECT_CREATED', payload: { title: 'Nuorten olohuone' } });

  it('is the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', secret).update(`1764500000.${body}`).digest('hex');
    expect(signature(secret, 1764500000, body)).toBe(`sha256=${expected}`);
  });

  it('verifies with the secret and nothing else', () => {
    const now = 1764500000;
    const header = signature(secret, now, body);
    expect(verifySignature(secret, header, String(now), body, 300, now + 10)).toBe(true);
    expect(verifySignature(generateSigningSecret(), header, String(now), body, 300, now)).toBe(false);
    expect(verifySignature(secret, header, String(now), `${body} `, 300, now)).toBe(false);
    expect(verifySignature(secret, header, String(now + 1), body, 300, now)).toBe(false);
    // A replay long after the fact.
    expect(verifySignature(secret, header, String(now), body, 300, now + 301)).toBe(false);
  });

  it('makes secrets of 256 random bits', () => {
    expect(generateSigningSecret()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateSigningSecret()).not.toBe(generateSigningSecret());
  });
});
