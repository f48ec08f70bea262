import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withDatabaseName } from '../../src/db/database-url';
import { packageRoot } from '../../src/shared/package-root';
import { testEnv } from '../support/environment';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Runs the README's examples against the demo data, as a newcomer would paste them, and compares
 * the answers with what the README shows. The convention is written down in the README's source,
 * in the comment under "Examples". `UPDATE_README=1` writes the actual JSON answers into the README
 * instead of comparing them (then read the diff before committing it).
 */

const README = path.join(packageRoot, 'README.md');
const update = process.env.UPDATE_README === '1';

interface Block {
  lang: string;
  code: string;
  /** The one-line HTML comment right above the fence (blank lines between allowed), if any. */
  marker: string | undefined;
  /** Line indices of the content (exclusive end), and the fence's indentation, for rewriting. */
  from: number;
  to: number;
  indent: string;
}

function blocksOf(lines: string[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, lang] = open;
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    let above = i - 1;
    while (above >= 0 && lines[above].trim() === '') above--;
    const comment = above >= 0 ? /^\s*<!--\s*(.*?)\s*-->\s*$/.exec(lines[above]) : null;
    const code = lines.slice(i + 1, end).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n');
    blocks.push({ lang, code, marker: comment?.[1], from: i + 1, to: end, indent });
    i = end;
  }
  return blocks;
}

type Example =
  | { kind: 'graphql'; title: string; query: string; variables?: Record<string, unknown>; answer: Block }
  | { kind: 'sh'; title: string; script: string; output?: Block }
  | { kind: 'skipped'; title: string; reason: string };

/** Pairs each query or command with the answer shown after it; every answer block must belong to one. */
function examplesOf(blocks: Block[]): Example[] {
  const examples: Example[] = [];
  const title = (block: Block): string => `line ${block.from}: ${block.code.split('\n')[0].slice(0, 70)}`;
  let lastQuery: string | undefined;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (block.marker?.startsWith('not run:')) {
      examples.push({ kind: 'skipped', title: title(block), reason: block.marker.slice('not run:'.length).trim() });
    } else if (block.lang === 'graphql' || block.marker === 'variables') {
      // Variables on their own run the query above them again.
      const query = block.lang === 'graphql' ? block.code : lastQuery;
      if (query === undefined) throw new Error(`README ${title(block)}: variables with no query above them`);
      lastQuery = query;
      let variables: Record<string, unknown> | undefined;
      if (block.marker === 'variables') variables = JSON.parse(block.code) as Record<string, unknown>;
      else if (blocks[i + 1]?.marker === 'variables') variables = JSON.parse(blocks[++i].code) as Record<string, unknown>;
      const answer = blocks[++i];
      if (answer?.lang !== 'json' || answer.marker) throw new Error(`README ${title(block)}: a query needs a json answer after it`);
      examples.push({ kind: 'graphql', title: title(block), query, variables, answer });
    } else if (block.lang === 'sh') {
      const next = blocks[i + 1];
      const output = next && (next.lang === 'json' || next.lang === 'text') && !next.marker ? blocks[++i] : undefined;
      examples.push({ kind: 'sh', title: title(block), script: block.code, output });
    } else if (block.lang === 'json' || block.lang === 'text') {
      throw new Error(`README ${title(block)}: an answer with no query or command before it, so nothing checks it`);
    }
  }
  return examples;
}

/** The body a client gets, without the cost report (its `resetAt` and `remaining` change with every request). */
function withoutExtensions(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const rest = { ...(value as Record<string, unknown>) };
    delete rest.extensions;
    return rest;
  }
  return value;
}

/** Splits text such as curl's output into the JSON values it holds, one after another. */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth++ === 0) start = i;
    } else if (char === '}' || char === ']') {
      if (--depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
    } else if (depth === 0 && char.trim() !== '') {
      throw new Error(`not JSON output: ${text}`);
    }
  }
  return values;
}

/** JSON as the README shows it: small values on one line, larger ones spread out. */
/** Compact JSON with a space after each `:` and `,` between tokens (never inside a string). */
function spacedOutsideStrings(flat: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < flat.length; i++) {
    const c = flat[i];
    out += c;
    if (inString) {
      if (c === '\\') out += flat[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ':' || c === ',') out += ' ';
  }
  return out;
}

function formatJson(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (flat.length + indent.length <= 120 || value === null || typeof value !== 'object') return spacedOutsideStrings(flat);
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((item) => inner + formatJson(item, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${formatJson(item, inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function linePattern(expected: string): RegExp {
  return new RegExp(`^${expected.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function bash(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: packageRoot, env: { ...process.env, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const readmeLines = readFileSync(README, 'utf8').split('\n');
const examples = examplesOf(blocksOf(readmeLines));
/** Answers to write back under UPDATE_README: block → formatted lines. */
const rewrites = new Map<Block, string>();

let app: TestApp;
let databaseUrl: string;
let token: string | undefined;

beforeAll(async () => {
  app = await startTestApp('demo');
  // The silta command works on the test server's own database, as the owner, as it does on a clone.
  const database = decodeURIComponent(new URL(app.servingUrl).pathname.slice(1));
  databaseUrl = withDatabaseName(testEnv('serverUrl'), database);
});
afterAll(async () => {
  await app?.close();
  if (update && rewrites.size > 0) {
    const lines = [...readmeLines];
    for (const [block, text] of [...rewrites].sort(([a], [b]) => b.from - a.from)) {
      lines.splice(block.from, block.to - block.from, ...text.split('\n').map((line) => block.indent + line));
    }
    writeFileSync(README, lines.join('\n'));
  }
});

describe('the README examples', () => {
  it('are there to run', () => {
    expect(examples.filter((example) => example.kind === 'graphql').length).toBeGreaterThanOrEqual(5);
    expect(examples.filter((example) => example.kind === 'sh' && example.script.includes('silta.js')).length).toBeGreaterThanOrEqual(1);
  });

  it.each(examples.map((example) => [example.title, example] as const))('%s', async (_title, example) => {
    if (example.kind === 'skipped') {
      expect(example.reason).not.toBe('');
      return;
    }
    if (example.kind === 'graphql') {
      const response = await app.gql(example.query, example.variables);
      const actual = withoutExtensions({ data: response.data, errors: response.errors });
      if (update) rewrites.set(example.answer, formatJson(actual));
      else expect(actual).toEqual(JSON.parse(example.answer.code));
      return;
    }
    let script = example.script.replaceAll('localhost:4000', new URL(app.url).host);
    if (script.includes('silta_…')) {
      if (!token) throw new Error('the README uses silta_… before any command printed a token');
      script = script.replaceAll('silta_…', token);
    }
    const run = await bash(script, { DATABASE_URL: databaseUrl });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    token = /^silta_[A-Za-z0-9_-]{43}$/m.exec(run.stdout)?.[0] ?? token;
    if (!example.output) return;
    if (example.output.lang === 'json') {
      const actual = jsonValues(run.stdout).map(withoutExtensions);
      if (update) rewrites.set(example.output, actual.length === 1 ? formatJson(actual[0]) : actual.map((value) => JSON.stringify(value)).join('\n'));
      else expect(actual).toEqual(jsonValues(example.output.code));
    } else {
      const actual = run.stdout.trimEnd().split('\n');
      const expected = example.output.code.trimEnd().split('\n');
      expect(actual).toHaveLength(expected.length);
      actual.forEach((line, index) => expect(line).toMatch(linePattern(expected[index])));
    }
  });
});

describe('links in the README and docs/', () => {
  const files = ['README.md', ...readdirSync(path.join(packageRoot, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  const slug = (heading: string): string => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

  it.each(files)('%s links only to files and headings that exist', (file) => {
    const text = readFileSync(path.join(packageRoot, file), 'utf8');
    const anchorsOf = (target: string): string[] =>
      [...readFileSync(path.join(packageRoot, target), 'utf8').matchAll(/^#+ (.+)$/gm)].map((match) => slug(match[1]));
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [file_, anchor] = target.split('#');
      const resolved = file_ === '' ? file : path.normalize(path.join(path.dirname(file), file_));
      if (!existsSync(path.join(packageRoot, resolved))) broken.push(target);
      else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).includes(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });
});
