/**
 * Atom 1.0 (RFC 4287) documents, built by hand with one escaping function: the feed has a handful
 * of elements, and every text and attribute value goes through `escapeXml`, which also replaces
 * characters XML 1.0 cannot carry at all (control characters, lone surrogates), so a payload can
 * never break the document or inject markup. Pure; atom.test.ts parses the output.
 */

export interface AtomLink {
  rel: 'self' | 'alternate' | 'related';
  href: string;
  type?: string;
  title?: string;
}

export interface AtomEntry {
  /** A stable IRI (a `tag:` URI). */
  id: string;
  title: string;
  updated: Date;
  summary: string;
  /** Plain text (Atom `type="text"`). */
  content: string;
  links: AtomLink[];
  categories: string[];
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle: string;
  updated: Date;
  authorName: string;
  generator: { name: string; version: string };
  links: AtomLink[];
  entries: AtomEntry[];
}

/** Characters XML 1.0 does not allow anywhere, escaped or not; lone surrogates are not text either. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text or attribute value, escaped for XML (quotes too, so it is safe in either place). */
export function escapeXml(value: string): string {
  return value
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Attribute values normalise raw line breaks and tabs to spaces; character references survive.
    .replace(/\r/g, '&#13;');
}

function link(l: AtomLink): string {
  const attributes = [`rel="${escapeXml(l.rel)}"`, `href="${escapeXml(l.href)}"`];
  if (l.type) attributes.push(`type="${escapeXml(l.type)}"`);
  if (l.title) attributes.push(`title="${escapeXml(l.title)}"`);
  return `<link ${attributes.join(' ')}/>`;
}

function date(value: Date): string {
  return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function renderAtom(feed: AtomFeed): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(feed.id)}</id>`,
    `  <title type="text">${escapeXml(feed.title)}</title>`,
    `  <subtitle type="text">${escapeXml(feed.subtitle)}</subtitle>`,
    `  <updated>${date(feed.updated)}</updated>`,
    `  <author><name>${escapeXml(feed.authorName)}</name></author>`,
    `  <generator version="${escapeXml(feed.generator.version)}">${escapeXml(feed.generator.name)}</generator>`,
    ...feed.links.map((l) => `  ${link(l)}`),
  ];
  for (const entry of feed.entries) {
    lines.push(
      '  <entry>',
      `    <id>${escapeXml(entry.id)}</id>`,
      `    <title type="text">${escapeXml(entry.title)}</title>`,
      `    <updated>${date(entry.updated)}</updated>`,
      ...entry.links.map((l) => `    ${link(l)}`),
      ...entry.categories.map((term) => `    <category term="${escapeXml(term)}"/>`),
      `    <summary type="text">${escapeXml(entry.summary)}</summary>`,
      `    <content type="text">${escapeXml(entry.content)}</content>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
