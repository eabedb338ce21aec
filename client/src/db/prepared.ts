// Named prepared statements for the search's statements on PGlite. PGlite's `query` always parses and plans its
// text afresh (the unnamed statement), which costs a search's statements ~2 ms of their ~12 at 100k scenes
// (measured: parse, analysis and planning of the full-text, glued, nearest-neighbour and details statements). Each
// distinct statement text is prepared once (PREPARE) and run with EXECUTE; Postgres keeps its plan and replans on
// its own when the schema changes (a new vector index, a migration).
//
// EXECUTE takes no protocol parameters, so its arguments are written as SQL string literals: each value is
// serialized exactly as PGlite serializes a parameter of that type (its own serializers, chosen by the types
// PREPARE inferred) and quoted with standard_conforming_strings (always on since PostgreSQL 9.1), where doubling
// the quote is the whole escaping. Results come back through PGlite's `exec`, read by the same type parsers as
// `query` reads them. Statements that need nothing from one another can go in one message (rowsOfEach).
import type { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

/** PostgreSQL's error code for a prepared statement that does not exist. */
const UNDEFINED_STATEMENT = '26000';

/** Statements kept prepared; the least recently used one is deallocated beyond it. */
export const PREPARED_CAPACITY = 64;

const dialect = new PgDialect();
/** Numbers every statement of this context: names stay unique on a connection however many users it has. */
let statementCount = 0;

interface Statement {
  name: string;
  /** Each parameter's type OID, as PREPARE inferred it. */
  types: number[];
}

/** A value as the text of a SQL string literal. */
function quoted(text: string): string {
  if (text.includes('\0')) throw new Error('A search value cannot contain a NUL character.');
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Runs drizzle `SQL` values as named prepared statements on `pg` (see the header); rows as PGlite's `query`
 * returns them. `capacity` bounds the statements kept.
 */
export function makePreparedStatements(pg: PGlite, capacity = PREPARED_CAPACITY) {
  /** By statement text, least recently used first (a Map keeps insertion order). */
  const statements = new Map<string, Statement>();

  async function prepare(text: string): Promise<Statement> {
    const name = `heimdex_prepared_${statementCount++}`;
    // One message: the statement, then the types PREPARE inferred for its parameters (~0.3–0.7 ms less than two).
    const [, described] = await pg.exec(
      `prepare ${name} as ${text}; select parameter_types::oid[] as types from pg_prepared_statements where name = '${name}'`,
    );
    const statement = { name, types: (described!.rows[0] as { types: number[] }).types };
    statements.set(text, statement);
    if (statements.size > capacity) {
      const [oldest, { name: evicted }] = statements.entries().next().value!;
      statements.delete(oldest);
      await pg.query(`deallocate ${evicted}`);
    }
    return statement;
  }

  function argument(value: unknown, type: number): string {
    if (value === null || value === undefined) return 'null';
    const serialize = pg.serializers[type];
    return quoted(serialize ? serialize(value) : String(value));
  }

  /** The statement for `query` (prepared now if new) and its arguments as SQL text. */
  async function statementOf(query: SQL): Promise<{ name: string; args: string }> {
    const { sql: text, params } = dialect.sqlToQuery(query);
    let statement = statements.get(text);
    if (statement) {
      statements.delete(text); // now the most recently used
      statements.set(text, statement);
    } else {
      statement = await prepare(text);
    }
    const types = statement.types;
    return { name: statement.name, args: params.length === 0 ? '' : `(${params.map((value, i) => argument(value, types[i]!)).join(', ')})` };
  }

  /**
   * Runs `commands` (one per statement) with Postgres's generic plan: the plan made once for any values, which is
   * what saves the planning; their rows, in order. A session setting (plan_cache_mode) would also give every
   * unnamed statement a generic plan, among them the spelling counts that rely on seeing their words. One
   * simple-protocol message, so one implicit transaction: a failed statement rolls the SET back with it.
   */
  async function generic(commands: string[]) {
    const results = await pg.exec(`set plan_cache_mode = force_generic_plan; ${commands.join('; ')}; reset plan_cache_mode`);
    return results.slice(1, 1 + commands.length).map((result) => result.rows);
  }

  /** Runs `command` on each statement; prepared again if one was dropped under us (DEALLOCATE ALL, DISCARD ALL). */
  async function run(queries: SQL[], command: (name: string, args: string) => string) {
    const commandsOf = async () => {
      const commands: string[] = [];
      for (const query of queries) {
        const { name, args } = await statementOf(query);
        commands.push(command(name, args));
      }
      return commands;
    };
    const commands = await commandsOf();
    try {
      return await generic(commands);
    } catch (error) {
      if ((error as { code?: string }).code !== UNDEFINED_STATEMENT) throw error;
      for (const query of queries) statements.delete(dialect.sqlToQuery(query).sql);
      return await generic(await commandsOf());
    }
  }

  return {
    async rows<T>(query: SQL): Promise<T[]> {
      return (await run([query], (name, args) => `execute ${name}${args}`))[0] as T[];
    },
    /**
     * The rows of each of `queries`, statements that do not depend on one another, sent in one message: each
     * statement run on its own pays a round trip through PGlite (the message, the generic-plan setting around it,
     * the answer read back: ~0.11 ms for a one-row statement, of which the setting ~0.04).
     */
    async rowsOfEach(queries: SQL[]): Promise<unknown[][]> {
      return queries.length === 0 ? [] : run(queries, (name, args) => `execute ${name}${args}`);
    },
    /** The plan `rows` runs `query` with, as EXPLAIN writes it without costs (for tests). */
    async plan(query: SQL): Promise<string> {
      const [rows] = (await run([query], (name, args) => `explain (costs off) execute ${name}${args}`)) as { 'QUERY PLAN': string }[][];
      return rows!.map((r) => r['QUERY PLAN']).join('\n');
    },
  };
}
