import type { RequestHandler } from 'express';
import { ruruHTML, type RuruClientConfig } from 'ruru/server';
import { getStaticFile } from 'ruru/static';

/** Where the in-browser GraphQL explorer lives; GET /graphql from a browser shows it too. */
export const EXPLORER_PATH = '/explorer';
/** Ruru's scripts, styles and editor workers, served from node_modules by Silta itself (no CDN). */
const STATIC_PATH = `${EXPLORER_PATH}/static/`;

const INITIAL_QUERY = `# Welcome to Silta. Press the run button (or Ctrl-Enter) to run this query.
# The book icon on the left opens the schema docs. To sign in, add a header:
#   { "Authorization": "Bearer <your API token>" }
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

/** Serves Ruru's bundled assets (brotli-compressed in memory; decompressed for clients without br). */
export const serveExplorerAssets: RequestHandler = async (req, res, next) => {
  try {
    // Source maps would add about 10 MB of memory for a debugging nicety; they answer 404.
    const file = await getStaticFile({
      staticPath: STATIC_PATH,
      urlPath: req.originalUrl,
      acceptEncoding: req.headers['accept-encoding'],
      disallowDevAssets: true,
    });
    if (!file) return next();
    res.set(file.headers).set('cache-control', 'public, max-age=3600');
    if (req.headers['if-none-match'] === file.headers.etag) {
      res.status(304).end();
      return;
    }
    res.status(200).end(file.content);
  } catch (error) {
    next(error);
  }
};
