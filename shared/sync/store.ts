/**
 * The local store in one object: commands (writes) and queries (reads) over one database,
 * sharing the clock. The UI and the engine may also use createCommands/createQueries directly.
 */
import { createCommands, type CommandDeps, type Commands } from './commands.ts';
import type { FieldbookDB } from './db.ts';
import { createQueries, type Queries } from './queries.ts';

export interface Store {
  db: FieldbookDB;
  commands: Commands;
  queries: Queries;
}

export function createStore(db: FieldbookDB, deps: CommandDeps): Store {
  const clock = deps.now ? { now: deps.now } : {};
  return { db, commands: createCommands(db, deps), queries: createQueries(db, clock) };
}
