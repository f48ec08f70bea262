import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/database';
import { EmbeddedPostgresError } from './db/embedded-postgres';
import { prepareDatabase } from './db/prepare';
import { OverlapWorker } from './modules/overlap/overlap.worker';
import { ActivityRetentionJob } from './modules/activity/activity.retention';
import { WebhookWorker } from './modules/webhook/webhook.worker';
import { createLogger } from './shared/logger';
import { redactText } from './shared/redact';
import { assertPortFree, portProblem, PortUnavailableError } from './shared/port';

/** Process entry: config → database → app → listen; SIGTERM/SIGINT drain requests and stop the database. */
export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const started = Date.now();

  try {
    await assertPortFree(config.port, config.host);
  } catch (error) {
    if (error instanceof PortUnavailableError) {
      logger.fatal(error.message);
      console.error(error.message);
      process.exitCode = 1;
      return;
    }
    throw error;
  }

  let db;
  try {
    db = await openDatabase(config, logger);
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) {
      logger.fatal(error.message);
      console.error(error.message);
      process.exitCode = 1;
      return;
    }
    throw error;
  }

  let app;
  let overlapWorker: OverlapWorker | undefined;
  let retention: ActivityRetentionJob | undefined;
  let webhookWorker: WebhookWorker | undefined;
  try {
    await prepareDatabase(db, config, logger);
    const servingOrm = await db.openServingOrm();
    app = await createApp({ orm: servingOrm, config, logger });
    if (config.overlapWorker) {
      overlapWorker = new OverlapWorker(db.url, logger);
      await overlapWorker.start();
    }
    if (config.activityRetentionDays > 0) {
      retention = new ActivityRetentionJob(db.url, config.activityRetentionDays, logger);
      retention.start();
    }
    if (config.webhooks.worker) {
      webhookWorker = new WebhookWorker(db.url, servingOrm.config.get('clientUrl')!, config.webhooks, logger);
      await webhookWorker.start();
    }
    await new Promise<void>((resolve, reject) => {
      app!.httpServer.once('error', reject);
      app!.httpServer.listen(config.port, config.host, resolve);
    });
  } catch (error) {
    const portError = portProblem(error, config.port, config.host);
    if (portError) console.error(portError.message);
    logger.fatal({ err: error }, portError?.message ?? 'start-up failed');
    await overlapWorker?.stop();
    await webhookWorker?.stop();
    await db.close();
    process.exitCode = 1;
    return;
  }

  const { port } = app.httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info(
    { port, database: db.embedded ? 'embedded' : 'DATABASE_URL', mode: config.production ? 'production' : 'development', startupMs: Date.now() - started },
    `Silta GraphQL API ready at http://${host}:${port}/graphql`,
  );

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting immediately');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      await app.stop();
      await overlapWorker?.stop();
      await retention?.stop();
      await webhookWorker?.stop();
      await db.close();
      logger.info('shutdown complete');
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exitCode = 1;
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(redactText(error instanceof Error ? (error.stack ?? error.message) : String(error)));
    process.exit(1);
  });
}
