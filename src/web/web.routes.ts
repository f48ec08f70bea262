import { readFile } from 'node:fs/promises';
import path from 'node:path';
import express, { type Router } from 'express';
import type { GraphQLSchema } from 'graphql';
import { printSiltaSchema } from '../schema';
import { packageRoot } from '../shared/package-root';
import { EXPLORER_PATH, serveExplorer, serveExplorerAssets } from './explorer';
import { landingPageHtml } from './landing-page';

/** True for a browser navigating to the URL, not for a GraphQL client (fetch sends *\/* or JSON types). */
function wantsHtml(req: express.Request): boolean {
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

/**
 * What a person with a browser gets: the landing page, the explorer (also on GET /graphql for a
 * browser; GraphQL clients fall through to Apollo), the schema, the README and the manual in docs/. Nothing is fetched
 * from elsewhere, so it all works offline.
 */
export function webRoutes(options: { schema: GraphQLSchema; introspection: boolean }): Router {
  const router = express.Router();
  const landingPage = landingPageHtml({ schemaPublished: options.introspection });

  router.get('/', (_req, res) => {
    // Static text: nothing on this page needs scripts, frames or anything from elsewhere.
    res.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.type('html').send(landingPage);
  });
  router.get(EXPLORER_PATH, serveExplorer);
  router.get(`${EXPLORER_PATH}/static/*asset`, serveExplorerAssets);
  router.get('/graphql', (req, res, next) => {
    // A GET with a query string is an operation (which CSRF prevention judges), not a visit.
    if (req.query.query === undefined && wantsHtml(req)) return serveExplorer(req, res, next);
    next();
  });

  if (options.introspection) {
    let sdl: string | undefined;
    router.get('/schema.graphql', (_req, res) => {
      sdl ??= printSiltaSchema(options.schema);
      res.type('text/plain').send(sdl);
    });
  }
  const markdown = (file: string): express.RequestHandler => async (_req, res, next) => {
    try {
      res.type('text/markdown').send(await readFile(path.join(packageRoot, file), 'utf8'));
    } catch (error) {
      // An install without the docs (a trimmed image) answers 404 rather than 500.
      next((error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : error);
    }
  };
  router.get('/README.md', markdown('README.md'));
  // The README links the manual as docs/<name>.md; only plain names, so nothing outside docs/ is reachable.
  router.get('/docs/:file', (req, res, next) => {
    const file = String(req.params.file);
    if (!/^[a-z0-9-]+\.md$/.test(file)) return next();
    return markdown(`docs/${file}`)(req, res, next);
  });
  return router;
}
