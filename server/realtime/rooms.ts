/** Room names, built in one place. */
/** Every subscriber of a server: statuses. */
export const serverRoom = (serverId: string) => `server:${serverId}`;
/** Console lines go to one of two rooms per server: as the game printed them, or with identities hidden. */
export const consoleRoom = (serverId: string, identities: boolean) =>
  `console:${serverId}:${identities ? "full" : "public"}`;
/** Player lists go to one of two rooms per server: with identities (GUID/SteamID/IP) or without. */
export const playersRoom = (serverId: string, identities: boolean) =>
  `players:${serverId}:${identities ? "full" : "public"}`;
export const userRoom = (userId: string) => `user:${userId}`;
/** One signed-in browser's sockets, ended together when that session is signed out or revoked. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** Overview watchers who may see every server, and per-server rooms for limited users. */
export const WATCH_ALL_ROOM = "watch:all";
export const watchRoom = (serverId: string) => `watch:${serverId}`;
/** Readers of the whole audit log; server-limited readers are in AUDIT_SCOPED_ROOM, filtered per socket. */
export const AUDIT_ROOM = "audit";
export const AUDIT_SCOPED_ROOM = "audit:scoped";
