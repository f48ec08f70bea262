import { parseAtom } from '../../../test/support/atom';
import { escapeXml, renderAtom, type AtomFeed } from './atom';

const NASTY = `<script>alert("x")</script> & ]]> 'quoted' \u0000\u0007 bell \uD800 lone surrogate, emoji 🌾, ääkköset`;

function feed(entries: AtomFeed['entries']): AtomFeed {
  return {
    id: 'tag:silta.invalid,2026:feed:activity?schemes=KAKE&kinds=PROJECT_CREATED',
    title: `Silta activity ${NASTY}`,
    subtitle: 'Public events',
    updated: new Date('2026-11-30T12:00:00.123Z'),
    authorName: 'Silta',
    generator: { name: 'Silta', version: '0.1.0' },
    links: [{ rel: 'self', href: 'http://localhost:4000/feeds/activity.atom?scheme=KAKE&kinds=PROJECT_CREATED', type: 'application/atom+xml' }],
    entries,
  };
}

describe('renderAtom', () => {
  it('is well-formed Atom with every required element, whatever the text holds', () => {
    const xml = renderAtom(
      feed([
        {
          id: 'tag:silta.invalid,2026:activity-event:1',
          title: NASTY,
          updated: new Date('2026-11-30T11:00:00Z'),
          summary: NASTY,
          content: JSON.stringify({ title: NASTY }, null, 2),
          links: [{ rel: 'related', href: 'http://x/graphql?query={ node(id: "a&b") { id } }', title: NASTY }],
          categories: ['PROJECT_CREATED', 'KAKE'],
        },
        { id: 'tag:silta.invalid,2026:activity-event:2', title: 'Two', updated: new Date(0), summary: '', content: '{}', links: [], categories: [] },
      ]),
    );
    const parsed = parseAtom(xml);
    expect(parsed.updated).toBe('2026-11-30T12:00:00Z');
    expect(parsed.links).toEqual([{ rel: 'self', href: 'http://localhost:4000/feeds/activity.atom?scheme=KAKE&kinds=PROJECT_CREATED' }]);
    const [first] = parsed.entries;
    const expected = NASTY.replace('\u0000\u0007', '\uFFFD\uFFFD').replace('\uD800', '\uFFFD');
    expect(first.title).toBe(expected);
    expect(JSON.parse(first.content)).toEqual({ title: NASTY });
    expect(first.links[0].href).toBe('http://x/graphql?query={ node(id: "a&b") { id } }');
    expect(first.categories).toEqual(['PROJECT_CREATED', 'KAKE']);
    expect(xml).not.toContain('<script>');
  });

  it('is valid with no entries', () => {
    expect(parseAtom(renderAtom(feed([]))).entries).toEqual([]);
  });
});

describe('escapeXml', () => {
  it('escapes markup and quotes and replaces what XML cannot carry', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('a\u0001b\uDC00c\uFFFE')).toBe('a\uFFFDb\uFFFDc\uFFFD');
    expect(escapeXml('🌾\ttab\nline')).toBe('🌾\ttab\nline');
  });
});
