import { z } from "zod";
import { findPreset } from "../games.ts";
import { WEBRCON_PASSWORD_MESSAGE, WEBRCON_PASSWORD_UNSENDABLE } from "./webrcon-password.ts";

/**
 * Text encodings a server may use. A fixed list (lib/ cannot load iconv-lite): every name is one
 * iconv-lite knows, which server/rcon/encoding.test.ts checks, so a saved encoding always works.
 */
export const SERVER_ENCODINGS = [
  { id: "utf-8", label: "UTF-8" },
  { id: "latin1", label: "Latin-1 (ISO-8859-1)" },
  { id: "iso-8859-15", label: "Latin-9 (ISO-8859-15)" },
  { id: "windows-1252", label: "Western (Windows-1252)" },
  { id: "windows-1250", label: "Central European (Windows-1250)" },
  { id: "iso-8859-2", label: "Central European (ISO-8859-2)" },
  { id: "windows-1251", label: "Cyrillic (Windows-1251)" },
  { id: "koi8-r", label: "Cyrillic (KOI8-R)" },
  { id: "cp866", label: "Cyrillic (DOS 866)" },
  { id: "windows-1253", label: "Greek (Windows-1253)" },
  { id: "windows-1254", label: "Turkish (Windows-1254)" },
  { id: "cp437", label: "DOS (code page 437)" },
  { id: "gbk", label: "Chinese simplified (GBK)" },
  { id: "gb18030", label: "Chinese simplified (GB18030)" },
  { id: "big5", label: "Chinese traditional (Big5)" },
  { id: "shift_jis", label: "Japanese (Shift_JIS)" },
  { id: "euc-jp", label: "Japanese (EUC-JP)" },
  { id: "euc-kr", label: "Korean (EUC-KR)" },
  { id: "utf-16le", label: "UTF-16 LE" },
] as const;

const ENCODING_IDS: ReadonlySet<string> = new Set(SERVER_ENCODINGS.map((e) => e.id));

export function isServerEncoding(name: string): boolean {
  return ENCODING_IDS.has(name);
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv6 = z.ipv6();

/** RFC 1123 host name: dot-separated labels, 253 characters at most, a last label not all digits (RFC 3696). */
function isHostName(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split(".");
  return labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels[labels.length - 1] ?? "");
}

export function isIpAddress(value: string): boolean {
  return IPV4.test(value) || ipv6.safeParse(value).success;
}

/** Why a host is not usable, worded for the person who typed it; null when it is fine. */
function hostProblem(value: string): string | null {
  if (value === "") return "Enter a host";
  if (/\s/.test(value)) return "A host has no spaces";
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(value))
    return "Enter only the host name or IP address, without http:// or another scheme";
  if (value.includes("/")) return "Enter only the host name or IP address, without a path";
  if (value.includes("@")) return "Enter only the host name or IP address, without a user name";
  // host:port, 1.2.3.4:27015 or [::1]:27015
  if (/^(?:\[[^\]]*\]|[^:]*):\d*$/.test(value))
    return "Enter the host without a port: put the port in the Port field";
  if (isHostName(value) || isIpAddress(value)) return null;
  if (/^[\d.]+$/.test(value)) return "That is not a valid IPv4 address (four numbers from 0 to 255)";
  if (value.includes(":")) return "That is not a valid IPv6 address";
  return "Enter a host name (letters, digits, hyphens and dots) or an IP address";
}

/** A host name or an IP address: no port, scheme, path or spaces. Lower-cased; IPv6 brackets dropped. */
export const hostSchema = z
  .string({ error: "Enter a host" })
  .trim()
  .toLowerCase()
  .transform((value, ctx) => {
    const host = /^\[([^\]]*)\]$/.test(value) && isIpAddress(value.slice(1, -1)) ? value.slice(1, -1) : value;
    const problem = hostProblem(host);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return host;
  });

/** A port: decimal digits only (no `1e3`, `0x50` or `80.0`), 1 to 65535. */
export const portSchema = z
  .union([z.string(), z.number()], { error: "Enter a port" })
  .transform((value, ctx) => {
    const text = typeof value === "number" ? String(value) : value.trim();
    if (text === "") {
      ctx.addIssue({ code: "custom", message: "Enter a port" });
      return z.NEVER;
    }
    if (!/^\d{1,5}$/.test(text)) {
      ctx.addIssue({ code: "custom", message: "Enter the port as a number from 1 to 65535, digits only" });
      return z.NEVER;
    }
    const port = Number(text);
    if (port < 1 || port > 65535) {
      ctx.addIssue({ code: "custom", message: "Ports go from 1 to 65535" });
      return z.NEVER;
    }
    return port;
  });

/** Blank means the game's default; anything else must be one of SERVER_ENCODINGS. */
export const encodingSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => v === "" || isServerEncoding(v), "Choose an encoding from the list")
  .transform((v) => (v === "" ? null : v));

/** Where and how to connect; the data layer re-checks these for callers that skip the form schemas. */
export const connectionFieldsSchema = z.object({
  host: hostSchema,
  port: portSchema,
  encoding: encodingSchema,
});

const serverFields = {
  name: z.string().trim().min(1, "Enter a name").max(80, "Use at most 80 characters"),
  game: z.string().refine((id) => findPreset(id) !== undefined, "Choose a game"),
  host: hostSchema,
  port: portSchema,
  encoding: encodingSchema,
  enabled: z.boolean().default(true),
  /** Receive the game's own log stream where the game can send one (docs/game-logs.md). */
  gameLogs: z.boolean().default(false),
};

const rconPassword = z
  .string()
  .max(200, "Use at most 200 characters")
  .refine((v) => !/[\r\n\0]/.test(v), "The password cannot contain line breaks");

/**
 * Passwords the protocol can never send. Quake 3 engines split the rcon line on spaces, so a
 * password with a space or a quote can never match (docs/protocols.md §3.2).
 */
const PASSWORD_RULES: Record<string, { test: RegExp; message: string } | undefined> = {
  quake3: { test: /[\s"]/, message: "Quake 3 engines cannot use an RCON password with spaces or quotes" },
  // The password is the WebSocket URL's path (ws://host:port/<password>), compared as sent.
  webrcon: { test: WEBRCON_PASSWORD_UNSENDABLE, message: WEBRCON_PASSWORD_MESSAGE },
};

function checkPasswordForProtocol(value: { game: string; password: string | null }, ctx: z.RefinementCtx) {
  const rule = PASSWORD_RULES[findPreset(value.game)?.protocol ?? ""];
  if (rule && value.password && rule.test.test(value.password)) {
    ctx.addIssue({ code: "custom", path: ["password"], message: rule.message });
  }
}

/** Adding a server: the RCON password is required. */
export const createServerSchema = z
  .object({ ...serverFields, password: rconPassword.min(1, "Enter the RCON password") })
  .superRefine(checkPasswordForProtocol);

/**
 * Editing: a blank password keeps the stored one (the password is write-only), but only while the
 * protocol, host and port stay the same; updateServer enforces that.
 */
export const updateServerSchema = z
  .object({
    id: z.string().min(1).max(64),
    ...serverFields,
    password: rconPassword.transform((v) => (v === "" ? null : v)),
  })
  .superRefine(checkPasswordForProtocol);

/** The message on the password field when a blank password would follow the server elsewhere. */
export const PASSWORD_REQUIRED_FOR_NEW_ADDRESS =
  "Enter the RCON password again: the stored one is kept only while the protocol, host and port stay the same";

export type CreateServerInput = z.infer<typeof createServerSchema>;
export type UpdateServerInput = z.infer<typeof updateServerSchema>;
