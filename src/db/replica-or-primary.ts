// A D1 session for reads that asked for a replica (src/http/d1-session.ts), with the primary behind it.

class BookmarkTimeout extends Error {}

const within = <T>(work: Promise<T>, ms: number) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new BookmarkTimeout(`no answer within ${ms} ms`)), ms))]);

/**
 * The session a client's bookmark asked for, with the primary behind it. Reads carry no side
 * effects, so when that session fails (a bookmark this database does not know, checked only when
 * the first query runs: the route validates the header before) or does not answer within
 * `waitMs`, the same statements run again on the primary, and every later one too: never a
 * 500 or a hang for a well-formed bookmark. Statements are recorded (SQL and parameters) and only
 * prepared on the session that runs them.
 */
export class ReplicaOrPrimary implements D1DatabaseSession {
  #current: D1DatabaseSession | undefined;
  #fellBack = false;

  constructor(
    private readonly bookmark: string,
    private readonly db: D1Database,
    private readonly primary: () => D1DatabaseSession,
    private readonly waitMs: number,
    private readonly onFallback: (err: unknown) => void,
  ) {}

  /** Runs `work` on the requested session, or on the primary once that has failed. */
  async on<T>(work: (session: D1DatabaseSession) => Promise<T>): Promise<T> {
    if (!this.#fellBack) {
      try {
        this.#current ??= this.db.withSession(this.bookmark);
        return await within(work(this.#current), this.waitMs);
      } catch (err) {
        this.onFallback(err);
        this.#fellBack = true;
        this.#current = this.primary();
      }
    }
    return work(this.#current!);
  }

  prepare(query: string): D1PreparedStatement {
    return new RecordedStatement(this, query, []);
  }

  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    return this.on((session) => session.batch<T>(statements.map((s) => RecordedStatement.on(s, session))));
  }

  getBookmark(): D1SessionBookmark | null {
    return this.#current?.getBookmark() ?? null;
  }
}

/** A statement of `ReplicaOrPrimary`: prepared for real on whichever session runs it. */
class RecordedStatement implements D1PreparedStatement {
  constructor(
    private readonly owner: ReplicaOrPrimary,
    private readonly query: string,
    private readonly values: unknown[],
  ) {}

  static on(statement: D1PreparedStatement, session: D1DatabaseSession): D1PreparedStatement {
    if (!(statement instanceof RecordedStatement)) throw new Error("a batch mixes statements of different D1 sessions");
    const prepared = session.prepare(statement.query);
    return statement.values.length ? prepared.bind(...statement.values) : prepared;
  }

  bind(...values: unknown[]): D1PreparedStatement {
    return new RecordedStatement(this.owner, this.query, values);
  }

  first<T = unknown>(colName: string): Promise<T | null>;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  first<T>(colName?: string): Promise<T | null> {
    return this.owner.on((s) => {
      const statement = RecordedStatement.on(this, s);
      return colName === undefined ? statement.first<T>() : statement.first<T>(colName);
    });
  }

  run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return this.owner.on((s) => RecordedStatement.on(this, s).run<T>());
  }

  all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return this.owner.on((s) => RecordedStatement.on(this, s).all<T>());
  }

  raw<T = unknown[]>(options: { columnNames: true }): Promise<[string[], ...T[]]>;
  raw<T = unknown[]>(options?: { columnNames?: false }): Promise<T[]>;
  raw<T>(options?: { columnNames?: boolean }): Promise<[string[], ...T[]] | T[]> {
    return options?.columnNames
      ? this.owner.on((s) => RecordedStatement.on(this, s).raw<T>({ columnNames: true }))
      : this.owner.on((s) => RecordedStatement.on(this, s).raw<T>());
  }
}
