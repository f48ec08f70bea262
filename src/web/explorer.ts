import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompress as brotliDecompressCallback } from 'node:zlib';
import type { RequestHandler } from 'express';
import { ruruHTML, type RuruClientConfig } from 'ruru/server';

const brotliDecompress = promisify(brotliDecompressCallback);

/** Where the in-browser GraphQL explorer lives; GET /graphql from a browser shows it too. */
export const EXPLORER_PATH = '/explorer';
/** Ruru's scripts, styles and editor workers, served from node_modules by Silta itself (no CDN). */
const STATIC_PATH = `${EXPLORER_PATH}/static/`;

const INITIAL_QUERY = `# Welcome to Silta. Run this query with the ▶ button (Ctrl-Enter).
# The book icon on the left opens the schema docs.
# To sign in, add under Headers (below):
#   { "Authorization": "Bearer <API token>" }
query ExampleProgrammes {
  programmes(first: 5) {
    totalCount
    nodes {
      code
      name
      scheme
    }
  }
}
`;

let page: string | undefined;

/** The explorer's HTML: Ruru (GraphiQL with Monaco) pointed at /graphql, every asset under STATIC_PATH. */
export function explorerHtml(): string {
  page ??= ruruHTML({
    endpoint: '/graphql',
    staticPath: STATIC_PATH,
    // ruru-types picks these from GraphiQL's props, which it sees as required here; all are optional.
    clientConfig: { initialQuery: INITIAL_QUERY, isHeadersEditorEnabled: true } satisfies Partial<RuruClientConfig> as RuruClientConfig,
    htmlParts: {
      titleTag: '<title>Silta GraphQL explorer</title>',
      metaTags: (original) => `${original}\n<meta name="viewport" content="width=device-width, initial-scale=1" />`,
    },
  });
  return page;
}

/** Serves the explorer page. */
export const serveExplorer: RequestHandler = (_req, res) => {
  res.type('html').set('cache-control', 'no-cache').send(explorerHtml());
};

interface BundledAsset {
  /** Brotli-compressed content. */
  buffer: Buffer;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  ttf: 'font/ttf',
  txt: 'text/plain; charset=utf-8',
};

let assets: Record<string, BundledAsset> | undefined;

/**
 * Ruru's prebuilt assets (about 4 MB, brotli-compressed in one module of the pinned package),
 * loaded on first use. `ruru/static` would load the same module with a dynamic import(), which
 * jest's module sandbox cannot run, so the tests would not exercise the code that serves them.
 */
function bundledAssets(): Record<string, BundledAsset> {
  if (!assets) {
    const file = path.join(path.dirname(require.resolve('ruru/server')), 'bundleCode.js');
    assets = (createRequire(__filename)(file) as { bundleData: Record<string, BundledAsset> }).bundleData;
  }
  return assets;
}

/** Serves Ruru's assets: as stored to clients that take brotli (every browser), decompressed to others. */
export const serveExplorerAssets: RequestHandler = async (req, res, next) => {
  try {
    const name = (req.params.asset as unknown as string[]).join('/');
    const all = bundledAssets();
    const asset = Object.hasOwn(all, name) ? all[name] : undefined;
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)];
    if (!asset || !type) return next();
    res.set({ 'content-type': type, etag: asset.etag, vary: 'accept-encoding', 'cache-control': 'public, max-age=3600' });
    if (req.headers['if-none-match'] === asset.etag) {
      res.status(304).end();
      return;
    }
    if (req.acceptsEncodings('br') === 'br') {
      res.set('content-encoding', 'br').end(asset.buffer);
      return;
    }
    res.end(await brotliDecompress(asset.buffer));
  } catch (error) {
    next(error);
  }
};
