import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type Router } from 'express';
import { GraphQLError } from 'graphql';
import type { Config } from '../../config';
import { RequestTransaction } from '../../shared/db/request-transaction';
import { knexOf } from '../../shared/db/session';
import { runOnKnex, type ActivityRow } from '../activity/activity.log';
import { TokenScope } from '../auth/auth.enums';
import type { Authenticator } from '../auth/authenticate';
import { ANONYMOUS, isAdmin, seesAllProjects, type Viewer } from '../auth/viewer';
import { canonicalQuery, checkActivityFilter, conditionsOf, filterValuesFromQuery, type StoredActivityFilter } from './activity-filter';
import { eventJson, eventTitle, subjectId } from './activity-view';
import { renderAtom, type AtomEntry } from './atom';
import { FEED_SIZE, latestActivity } from './feed.service';

export const FEED_PATH = '/feeds/activity.atom';

/** The year in every `tag:` URI (RFC 4151: a date the authority held its name); never changes, or IDs would. */
const TAG_DATE = '2026';

export interface FeedOptions {
  orm: MikroORM;
  authenticator: Authenticator;
  config: Config;
}

class FeedError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Who reads the feed. Anonymous by default (public events only, by row-level security, exactly as an
 * anonymous GraphQL reader). `?token=` takes an API token only if it is READ_ONLY: a URL ends up in
 * feed readers, browser history and proxy logs, so a token there must not be able to change anything.
 * `Authorization: Bearer` takes any token, as /graphql does.
 */
async function feedViewer(options: FeedOptions, req: express.Request): Promise<Viewer> {
  const queryToken = req.query.token;
  if (queryToken !== undefined && req.headers.authorization) throw new FeedError(400, 'Give the token either as ?token= or in the Authorization header, not both');
  if (Array.isArray(queryToken)) throw new FeedError(400, 'Give one token');
  const header = queryToken !== undefined ? `Bearer ${String(queryToken)}` : req.headers.authorization;
  if (!header) return ANONYMOUS;
  let viewer: Viewer;
  try {
    viewer = await options.authenticator.authenticate(options.orm.em.fork(), header);
  } catch (error) {
    if (error instanceof GraphQLError) throw new FeedError(401, error.message);
    throw error;
  }
  if (queryToken !== undefined && viewer.scope !== TokenScope.READ_ONLY) {
    throw new FeedError(403, 'A token in a feed URL must be a READ_ONLY API token (createApiToken(input: { scope: READ_ONLY })): URLs are logged and shared');
  }
  return viewer;
}

function feedFilter(req: express.Request): StoredActivityFilter {
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
  const { values, problems } = filterValuesFromQuery(new URLSearchParams(query), ['token']);
  const checked = checkActivityFilter(values);
  const all = [...problems, ...checked.problems];
  if (all.length || !checked.filter) throw new FeedError(400, `Bad feed filter: ${all.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  return checked.filter;
}

/** The feed's own URL without the token (a feed reader may publish its self link). */
function selfUrl(req: express.Request): string {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
  url.searchParams.delete('token');
  return url.toString();
}

function entryOf(row: ActivityRow, base: string, tagAuthority: string): AtomEntry {
  const json = eventJson(row);
  const subject = subjectId(row);
  const title = eventTitle(row);
  const where = [row.schemes.join(', '), row.postal_codes.join(', ')].filter(Boolean).join(' · ');
  return {
    id: `tag:${tagAuthority},${TAG_DATE}:activity-event:${row.id}`,
    title,
    updated: new Date(row.occurred_at),
    summary: where ? `${title} (${where})` : title,
    content: JSON.stringify(json, null, 2),
    // No HTML page exists for a record; this GraphQL GET fetches it (send the header
    // `apollo-require-preflight: true`, which CSRF prevention asks of GET operations).
    links: subject
      ? [{ rel: 'related', type: 'application/graphql-response+json', title: 'The record in the GraphQL API', href: `${base}/graphql?query=${encodeURIComponent(`{ node(id: "${subject}") { __typename id } }`)}` }]
      : [],
    categories: [row.type, ...row.schemes],
  };
}

/** RFC 9110 If-None-Match: any listed tag (weak or strong) equal to ours, or `*`. */
function notModified(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/** `GET /feeds/activity.atom?…`: the newest activity matching the filter, as Atom 1.0. */
export function feedRoutes(options: FeedOptions): Router {
  const router = express.Router();
  const { tagAuthority } = options.config.feeds;
  router.get(FEED_PATH, async (req, res, next) => {
    let transaction: RequestTransaction | undefined;
    try {
      const filter = feedFilter(req);
      const viewer = await feedViewer(options, req);
      const em = options.orm.em.fork();
      transaction = await RequestTransaction.begin(
        em,
        { ...viewer, seesAllProjects: seesAllProjects(viewer), admin: isAdmin(viewer) },
        options.config.limits.requestTimeoutMs,
      );
      const rows = await latestActivity(runOnKnex((sql, bindings) => knexOf(em).raw(sql, bindings as never[])), conditionsOf(filter), FEED_SIZE);
      await transaction.finish();
      const base = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
      const canonical = canonicalQuery(filter);
      const newest = rows[0] ? new Date(rows[0].occurred_at) : new Date(0);
      const body = renderAtom({
        id: `tag:${tagAuthority},${TAG_DATE}:feed:activity${canonical ? `?${canonical}` : ''}`,
        title: `Silta activity${canonical ? ` (${decodeURIComponent(canonical).replace(/&/g, '; ')})` : ''}`,
        subtitle: viewer.accountId === null ? 'Public events, newest first.' : `Events visible to ${viewer.accountName ?? 'the account'}, newest first.`,
        updated: newest,
        authorName: 'Silta',
        generator: { name: 'Silta', version: '1' },
        links: [{ rel: 'self', href: selfUrl(req), type: 'application/atom+xml' }],
        entries: rows.map((row) => entryOf(row, base, tagAuthority)),
      });
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
      res.set({
        etag,
        'last-modified': newest.toUTCString(),
        // Feeds with a token are one account's view: no shared cache may keep them.
        'cache-control': `${viewer.accountId === null ? 'public' : 'private'}, max-age=60`,
        vary: 'Authorization',
      });
      if (notModified(req.headers['if-none-match'], etag)) {
        res.status(304).end();
        return;
      }
      res.type('application/atom+xml; charset=utf-8').send(body);
    } catch (error) {
      await transaction?.rollback();
      if (error instanceof FeedError) {
        res.status(error.status).type('text/plain; charset=utf-8').send(`${error.message}\n`);
        return;
      }
      next(error);
    }
  });
  return router;
}
