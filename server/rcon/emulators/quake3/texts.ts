/**
 * Texts the Quake 3 emulator prints besides the status table (which the dialect's StatusFormat
 * prints): a cvar query and a player's userinfo (`dumpuser`), as ioq3 prints them (Cvar_Command,
 * Info_Print). Pure, so the redaction property test renders the same texts.
 */

/** `"name" is:"value^7", the default` or `"name" is:"value^7" default:"reset^7"`, one print per piece. */
export function cvarQueryPieces(name: string, value: string, resetValue: string): string[] {
  return [
    `"${name}" is:"${value}^7"`,
    value === resetValue ? ", the default" : ` default:"${resetValue}^7"`,
    "\n",
  ];
}

export interface UserinfoClient {
  name: string;
  rate: number;
  /** "ip:port", or "bot" (bots have no `ip` key). */
  address: string;
  guid: string;
  isBot: boolean;
}

/** `dumpuser`: the userinfo keys; the server adds `ip`, ioq3 clients send `cl_guid`. */
export function userinfoPieces(client: UserinfoClient): string[] {
  const row = (key: string, value: string | number) => `${key.padEnd(20, " ")} ${value}\n`;
  return [
    "userinfo\n--------\n",
    ...(client.isBot ? [] : [row("ip", client.address), row("cl_guid", client.guid.toUpperCase())]),
    row("rate", client.rate),
    row("name", client.name),
  ];
}

/** `listbans`: the engine's address bans, numbered from 1. */
export function engineBanPieces(bans: readonly string[]): string[] {
  return bans.map((ban, i) => `Ban #${i + 1}: ${ban}\n`);
}
