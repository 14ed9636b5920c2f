/**
 * What the transport-neutral operations need: the database, a logger and the part of the hub that
 * reaches game servers. The socket layer passes its RealtimeDeps; the REST API passes the runtime's.
 */
import type { Db } from "../db/client.ts";
import type { HubPort } from "../hub/port.ts";
import type { Logger } from "../rcon/types.ts";

export type OperationsHub = Pick<
  HubPort,
  "exec" | "kick" | "message" | "dialectOf" | "players" | "recordOf" | "refreshRecords"
>;

export interface OperationDeps {
  db: Db;
  logger: Logger;
  hub: OperationsHub;
}
