/**
 * Lets the event loop breathe between SQLite queries. better-sqlite3 is synchronous: every query
 * runs to completion and resolves at once, so a chain of awaited queries in an interactive
 * transaction (Prisma's request queue yields between queries outside one, not inside) runs entirely
 * in microtasks and starves every socket of the process. Measured with `npm run bench -- hub --servers 500`: one such chain held the loop
 * for 18 s, long enough for every BattlEye server to drop the hub for not acknowledging its
 * messages. Here a query that comes more than SLICE_MS after the last yield first waits for one
 * event-loop turn (setImmediate), so I/O is served at least every SLICE_MS however long the chain.
 * Waiting between two statements is what every await in Prisma's own code already allows, in and
 * out of transactions, so no ordering changes.
 */
import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { performance } from "node:perf_hooks";

type Factory = PrismaBetterSqlite3;
type Adapter = Awaited<ReturnType<Factory["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;
type Queryable = Pick<Adapter, "queryRaw" | "executeRaw">;

/** Longest run of back-to-back queries before the loop gets a turn. */
export const SLICE_MS = 10;

/** One slice per process: every client's queries share the one event loop. */
let sliceStart = performance.now();

async function takeTurnIfDue(): Promise<void> {
  if (performance.now() - sliceStart < SLICE_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  sliceStart = performance.now();
}

function yieldingQueries<T extends Queryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  const executeRaw = queryable.executeRaw.bind(queryable);
  // Own properties over the prototype's methods: the adapter keeps private fields, which a Proxy
  // passed as `this` would break.
  queryable.queryRaw = async (query) => {
    await takeTurnIfDue();
    return queryRaw(query);
  };
  queryable.executeRaw = async (query) => {
    await takeTurnIfDue();
    return executeRaw(query);
  };
  return queryable;
}

function yieldingAdapter(adapter: Adapter): Adapter {
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) =>
    yieldingQueries<Transaction>(await startTransaction(isolationLevel));
  return yieldingQueries(adapter);
}

/** The better-sqlite3 adapter factory with its connections' queries taking turns (see above). */
export function withEventLoopTurns(factory: Factory): Factory {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => yieldingAdapter(await connect());
  return factory;
}
