/**
 * A D1 binding that dies for chosen tickets: every D1 call (a batch or one statement) whose
 * bound values mention a doomed ticket counts as that ticket's next call, and the calls
 * listed in `crashOn` (1 = its first) throw as if the worker had lost D1 mid-job. Everything
 * else reaches the real database.
 */
export const crashingD1 = (db: D1Database, doomed: string[], crashOn: number[]): D1Database => {
  const callsPerTicket = new Map<string, number>();
  const real = new WeakMap<object, D1PreparedStatement>();
  const paramsOf = new WeakMap<object, unknown[]>();

  const check = (params: unknown[]) => {
    const ticket = doomed.find((id) => params.includes(id));
    if (!ticket) return;
    const n = (callsPerTicket.get(ticket) ?? 0) + 1;
    callsPerTicket.set(ticket, n);
    if (crashOn.includes(n)) throw new Error(`simulated crash: D1 call ${n} for ticket ${ticket}`);
  };

  const statement = (stmt: D1PreparedStatement, params: unknown[]) => {
    const wrapped = {
      bind: (...values: unknown[]) => statement(stmt.bind(...values), values),
      first: (column?: string) => {
        check(params);
        return column === undefined ? stmt.first() : stmt.first(column);
      },
      all: () => {
        check(params);
        return stmt.all();
      },
      run: () => {
        check(params);
        return stmt.run();
      },
      raw: (opts?: { columnNames?: boolean }) => {
        check(params);
        return stmt.raw(opts as { columnNames: true });
      },
    };
    real.set(wrapped, stmt);
    paramsOf.set(wrapped, params);
    return wrapped;
  };

  const wrapped = {
    prepare: (query: string) => statement(db.prepare(query), []),
    batch: async (statements: object[]) => {
      check(statements.flatMap((s) => paramsOf.get(s) ?? []));
      return db.batch(statements.map((s) => real.get(s)!));
    },
    exec: (query: string) => db.exec(query),
    withSession: () => wrapped,
    dump: () => db.dump(),
  };
  return wrapped as unknown as D1Database;
};
