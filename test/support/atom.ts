import { DOMParser, type Element } from '@xmldom/xmldom';

export const ATOM_NS = 'http://www.w3.org/2005/Atom';

export interface ParsedEntry {
  id: string;
  title: string;
  updated: string;
  summary: string;
  content: string;
  links: { rel: string; href: string }[];
  categories: string[];
}

export interface ParsedFeed {
  id: string;
  title: string;
  updated: string;
  links: { rel: string; href: string }[];
  entries: ParsedEntry[];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const IRI = /^[a-z][a-z0-9+.-]*:\S+$/i;

function children(element: Element, name: string): Element[] {
  const found: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === ATOM_NS && (node as Element).localName === name) found.push(node as Element);
  }
  return found;
}

function one(element: Element, name: string, where: string): Element {
  const found = children(element, name);
  if (found.length !== 1) throw new Error(`${where} must have exactly one atom:${name}, has ${found.length}`);
  return found[0];
}

function links(element: Element, where: string): { rel: string; href: string }[] {
  return children(element, 'link').map((link) => {
    const href = link.getAttribute('href');
    if (!href) throw new Error(`${where}: atom:link without href`);
    return { rel: link.getAttribute('rel') ?? 'alternate', href };
  });
}

/**
 * Parses strictly (any XML error throws) and checks what RFC 4287 requires of a feed and its
 * entries: one id (an IRI), title and updated (RFC 3339) each; an author on the feed or every entry;
 * content or an alternate link on every entry; unique entry IDs; text constructs of a known type.
 */
export function parseAtom(xml: string): ParsedFeed {
  const document = new DOMParser({
    // Warnings are advice (a replacement character "may" be an encoding problem); errors fail.
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`XML ${level}: ${message}`);
    },
  }).parseFromString(xml, 'application/xml');
  const feed = document.documentElement;
  if (!feed || feed.namespaceURI !== ATOM_NS || feed.localName !== 'feed') throw new Error('The root element is not atom:feed');
  const id = one(feed, 'id', 'feed').textContent ?? '';
  const updated = one(feed, 'updated', 'feed').textContent ?? '';
  const title = one(feed, 'title', 'feed');
  if (!IRI.test(id)) throw new Error(`feed id ${id} is not an IRI`);
  if (!RFC3339.test(updated)) throw new Error(`feed updated ${updated} is not an RFC 3339 date`);
  const feedHasAuthor = children(feed, 'author').some((author) => children(author, 'name').length === 1);
  const feedLinks = links(feed, 'feed');
  if (feedLinks.filter((link) => link.rel === 'self').length > 1) throw new Error('more than one rel="self" link');
  const seen = new Set<string>();
  const entries = children(feed, 'entry').map((entry, index) => {
    const where = `entry ${index}`;
    const entryId = one(entry, 'id', where).textContent ?? '';
    if (!IRI.test(entryId)) throw new Error(`${where}: id ${entryId} is not an IRI`);
    if (seen.has(entryId)) throw new Error(`${where}: id ${entryId} repeats`);
    seen.add(entryId);
    const entryUpdated = one(entry, 'updated', where).textContent ?? '';
    if (!RFC3339.test(entryUpdated)) throw new Error(`${where}: updated ${entryUpdated} is not an RFC 3339 date`);
    if (!feedHasAuthor && !children(entry, 'author').length) throw new Error(`${where}: no author, and the feed has none`);
    const entryLinks = links(entry, where);
    const content = children(entry, 'content');
    if (content.length > 1) throw new Error(`${where}: more than one atom:content`);
    if (!content.length && !entryLinks.some((link) => link.rel === 'alternate')) throw new Error(`${where}: neither content nor an alternate link`);
    const titleElement = one(entry, 'title', where);
    for (const construct of [titleElement, ...children(entry, 'summary'), ...content]) {
      const type = construct.getAttribute('type') ?? 'text';
      if (!['text', 'html', 'xhtml'].includes(type)) throw new Error(`${where}: text construct of type ${type}`);
    }
    return {
      id: entryId,
      title: titleElement.textContent ?? '',
      updated: entryUpdated,
      summary: children(entry, 'summary')[0]?.textContent ?? '',
      content: content[0]?.textContent ?? '',
      links: entryLinks,
      categories: children(entry, 'category').map((category) => category.getAttribute('term') ?? ''),
    };
  });
  return { id, title: title.textContent ?? '', updated, links: feedLinks, entries };
}
