/** Room names, built in one place. */
export const serverRoom = (serverId: string) => `server:${serverId}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const AUDIT_ROOM = "audit";
