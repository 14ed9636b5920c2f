import type { Permission } from "./permissions.ts";

/** The permission table as the Roles page shows it: grouped, each with one line of explanation. */
export const PERMISSION_GROUPS: readonly { name: string; permissions: readonly Permission[] }[] = [
  { name: "Servers", permissions: ["server.view", "server.manage"] },
  { name: "Console", permissions: ["console.read", "console.execute"] },
  {
    name: "Players",
    permissions: [
      "players.view",
      "players.identities",
      "players.kick",
      "players.message",
      "players.ban",
      "players.notes",
      "players.warn",
      "players.watch",
      "players.merge",
      "players.erase",
    ],
  },
  { name: "Bans", permissions: ["bans.manage"] },
  { name: "Team", permissions: ["team.manage", "roles.manage"] },
  { name: "Audit", permissions: ["audit.read"] },
  { name: "Commands", permissions: ["commands.run", "commands.manage"] },
  { name: "Automation", permissions: ["automation.manage"] },
];

export const PERMISSION_LABELS: Record<Permission, string> = {
  "server.view": "See servers, their status and players count",
  "server.manage": "Add, edit and delete servers and their RCON settings",
  "console.read": "Read the live console",
  "console.execute": "Send raw console commands",
  "players.view": "See the player list and player records",
  "players.identities": "See player identities (Steam ids, GUIDs, addresses)",
  "players.kick": "Kick players",
  "players.message": "Message players in game",
  "players.ban": "Ban players from the player list",
  "players.notes": "Write notes on players (and edit one's own)",
  "players.warn": "Warn players in game",
  "players.watch": "Flag and unflag players on the watch list",
  "players.merge": "Merge two player records and split them again",
  "players.erase": "Erase a player record and delete notes",
  "bans.manage": "Manage central bans, ban lists, imports and native bans",
  "team.manage": "Invite members and change their roles and servers (never beyond one's own)",
  "roles.manage": "Create and edit custom roles and their command rules",
  "audit.read": "Read the audit log",
  "commands.run": "Run the custom commands the role is allowed",
  "commands.manage": "Define custom commands",
  "automation.manage":
    "Edit schedules, triggers and webhooks on one's servers (they act with the editor's permissions)",
};
