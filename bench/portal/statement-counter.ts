import { Client } from 'pg';
import { splitStatements } from '../../src/shared/db/one-round-trip';

/**
 * Preloaded (`node --require`) into each server the portal benchmark measures: counts the SQL
 * statements the process sends through `pg` (Silta through MikroORM and knex, PostGraphile and the
 * floor directly), split into the work itself and session control (BEGIN, COMMIT, the set_config that
 * sets the viewer), and answers the parent's `statements` message over the IPC channel.
 */
const SESSION_CONTROL = /^\s*(set\s|begin|commit|rollback|savepoint|release savepoint|prepare\s|select set_config\()/i;

let work = 0;
let control = 0;

type Query = (this: Client, ...args: unknown[]) => unknown;
const original = Client.prototype.query as unknown as Query;
(Client.prototype as unknown as { query: Query }).query = function counted(this: Client, ...args: unknown[]): unknown {
  const first = args[0];
  const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '');
  // A simple-protocol message may hold several statements (Silta's compiled reads send begin, the
  // viewer's settings, the statement and commit in one): each is counted as what it is.
  for (const statement of typeof first === 'string' ? splitStatements(text) : [text]) {
    if (SESSION_CONTROL.test(statement)) control += 1;
    else work += 1;
  }
  return original.apply(this, args);
};

if (process.send) {
  process.on('message', (message: unknown) => {
    if (message === 'statements') process.send?.({ statements: work, control });
  });
  // The channel must not keep a server alive that was asked to stop.
  process.channel?.unref();
}
