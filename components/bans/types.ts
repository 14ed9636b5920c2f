/** What the ban screens receive from their pages (plain data, no server imports at runtime). */
export interface NamedRef {
  id: string;
  name: string;
}

export interface BanListRef extends NamedRef {
  description: string;
  serverIds: string[];
  banCount: number;
}

/** What the viewer may do on the Bans page; the server checks again on every action. */
export interface BanPermissions {
  actorId: string;
  /** players.ban somewhere: add bans, revoke and edit own ones. */
  ban: boolean;
  /** bans.manage over every server: any ban, lists. */
  manage: boolean;
  /** The Moderator maximum ("7 days"), null for Admins. */
  limit: string | null;
}
