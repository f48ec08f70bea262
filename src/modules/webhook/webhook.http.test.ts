import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTargetUrl, postChecked, type Resolver } from './webhook.http';

interface Receiver {
  url: string;
  port: number;
  hits: { host: string | undefined; body: string }[];
  close(): Promise<void>;
}

async function receiver(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Receiver> {
  const hits: Receiver['hits'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      hits.push({ host: req.headers.host, body });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const TIMEOUTS = { connectTimeoutMs: 1000, responseTimeoutMs: 500 };
const LOOPBACK_ALLOWED = { allowHosts: [], allowCidrs: ['127.0.0.1/32'] };
const NOTHING_ALLOWED = { allowHosts: [], allowCidrs: [] };

function url(text: string): URL {
  const parsed = parseTargetUrl(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('postChecked', () => {
  let ok: Receiver;
  beforeAll(async () => {
    ok = await receiver((_req, res) => res.writeHead(204).end());
  });
  afterAll(() => ok.close());

  it('delivers to an allowed address', async () => {
    const result = await postChecked(url(ok.url), '{"a":1}', { 'content-type': 'application/json' }, LOOPBACK_ALLOWED, TIMEOUTS);
    expect(result).toMatchObject({ ok: true, status: 204, error: null });
    expect(ok.hits.at(-1)?.body).toBe('{"a":1}');
  });

  it.each([
    ['loopback without the allow-list', () => ok.url, /127\.0\.0\.1 is a loopback address/],
    ['a hostname that resolves to loopback', () => `http://localhost:${ok.port}/hook`, /localhost resolves to (127\.0\.0\.1|::1) is a loopback address/],
    ['IPv6 loopback', () => `http://[::1]:${ok.port}/`, /::1 is a loopback address/],
    ['a private address', () => 'http://10.1.2.3/hook', /10\.1\.2\.3 is a private address/],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a linkLocal address/],
    ['an IPv4-mapped private address', () => 'http://[::ffff:192.168.0.1]/', /is a private address/],
  ])('refuses %s before connecting', async (_name, target, message) => {
    const before = ok.hits.length;
    const result = await postChecked(url(target()), '{}', {}, NOTHING_ALLOWED, TIMEOUTS);
    expect(result.ok).toBe(false);
    expect(result.status).toBeNull();
    expect(result.error).toMatch(message);
    expect(ok.hits.length).toBe(before);
  });

  it('refuses a host when any of its addresses is not public', async () => {
    const resolve: Resolver = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }];
    const result = await postChecked(url('http://mixed.example/hook'), '{}', {}, NOTHING_ALLOWED, TIMEOUTS, resolve);
    expect(result.error).toMatch(/mixed\.example resolves to 10\.0\.0\.5 is a private address/);
  });

  it('connects to the address it checked and keeps the Host header', async () => {
    // A second look-up could answer differently (DNS rebinding): the connection uses the first answer.
    let lookups = 0;
    const resolve: Resolver = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const result = await postChecked(url(`http://receiver.example:${ok.port}/hook`), '{}', {}, LOOPBACK_ALLOWED, TIMEOUTS, resolve);
    expect(result.ok).toBe(true);
    expect(lookups).toBe(1);
    expect(ok.hits.at(-1)?.host).toBe(`receiver.example:${ok.port}`);
  });

  it('does not follow a redirect, not even to an allowed address', async () => {
    const target = await receiver((_req, res) => res.writeHead(200).end());
    const redirecting = await receiver((_req, res) => res.writeHead(307, { location: target.url }).end());
    try {
      const result = await postChecked(url(redirecting.url), '{}', {}, LOOPBACK_ALLOWED, TIMEOUTS);
      expect(result).toMatchObject({ ok: false, status: 307 });
      expect(result.error).toMatch(/Redirects are not followed \(HTTP 307/);
      expect(target.hits).toHaveLength(0);
    } finally {
      await Promise.all([target.close(), redirecting.close()]);
    }
  });

  it('gives up on a receiver that does not answer, and keeps only an excerpt of a large answer', async () => {
    const silent = await receiver(() => undefined);
    const large = await receiver((_req, res) => res.writeHead(500).end('x'.repeat(100_000)));
    try {
      const timedOut = await postChecked(url(silent.url), '{}', {}, LOOPBACK_ALLOWED, TIMEOUTS);
      expect(timedOut).toMatchObject({ ok: false, status: null, error: 'No answer within 500 ms' });
      const failed = await postChecked(url(large.url), '{}', {}, LOOPBACK_ALLOWED, TIMEOUTS);
      expect(failed).toMatchObject({ ok: false, status: 500, error: 'HTTP 500' });
      expect(failed.excerpt!.length).toBeLessThanOrEqual(1024 * 4);
    } finally {
      await Promise.all([silent.close(), large.close()]);
    }
  });
});

describe('parseTargetUrl', () => {
  it.each([
    ['ftp://example.fi/x', 'Only http and https URLs can receive webhooks'],
    ['https://user:pw@example.fi/x', 'The URL may not contain a user name or password'],
    ['not a url', 'Not a URL'],
    [`https://example.fi/${'a'.repeat(2000)}`, 'The URL is longer than 2000 characters'],
  ])('refuses %s', (text, message) => {
    expect(parseTargetUrl(text)).toBe(message);
  });
});
