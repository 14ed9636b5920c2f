/**
 * Webhooks (issue 16), the pure rules: event names, the form schema, which URLs are accepted, how
 * game text is kept from mentioning anyone on Discord, and the two payload shapes (Discord embed,
 * generic JSON). The delivery engine is server/automation/webhooks/.
 */
import { z } from "zod";
import { can, limitedServerIds, type Actor } from "../permissions.ts";

export const WEBHOOK_EVENTS = [
  "ban",
  "kick",
  "server_offline",
  "server_online",
  "watch_join",
  "chat",
  "trigger",
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENT_LABELS: Record<WebhookEventName, string> = {
  ban: "Bans",
  kick: "Kicks",
  server_offline: "Server offline",
  server_online: "Server online",
  watch_join: "Watch-list joins",
  chat: "Chat relay",
  trigger: "Trigger actions",
};

export const WEBHOOK_KINDS = ["discord", "json"] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** What any source hands the dispatcher (server/automation/webhooks/index.ts re-exports it). */
export interface WebhookNotice {
  event: WebhookEventName;
  /** The server it happened on; null when it concerns no single server (a ban on every server). */
  serverId: string | null;
  title: string;
  text: string;
  fields?: { name: string; value: string }[];
}

/**
 * Whether `actor` may manage a webhook of this scope (edit, delete, test, use from a trigger):
 * automation.manage on every server of it; "all servers" only for one who reaches every server.
 */
export function canManageWebhook(
  actor: Actor,
  scope: { allServers: boolean; serverIds: Iterable<string> },
): boolean {
  if (scope.allServers) return can(actor, "automation.manage") && limitedServerIds(actor) === null;
  const ids = [...scope.serverIds];
  return ids.length > 0 && ids.every((id) => can(actor, "automation.manage", id));
}

// Discord's own hosts; the path is /api[/vN]/webhooks/<snowflake>/<token>.
const DISCORD_HOSTS = new Set(["discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"]);
const DISCORD_PATH = /^\/api(?:\/v\d{1,2})?\/webhooks\/\d{15,25}\/[A-Za-z0-9_-]{20,100}\/?$/;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export interface UrlRules {
  /** Tests and local development only (WEBHOOKS_ALLOW_LOOPBACK=1): http:// to a loopback host. */
  allowLoopback: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/**
 * Why a webhook URL is refused, or null when it is acceptable. Only https (http only to loopback
 * when allowed); no credentials in it; Discord URLs by shape. Private destinations are refused
 * again at delivery, after name resolution (server/automation/webhooks/http.ts).
 */
export function webhookUrlProblem(kind: WebhookKind, raw: string, rules: UrlRules): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter a full URL starting with https://";
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback && rules.allowLoopback))
    return "The URL must start with https://";
  if (loopback && !rules.allowLoopback) return "Webhooks cannot point at this machine";
  if (url.username || url.password) return "The URL must not contain a user name or password";
  if (kind === "discord") {
    if (!(DISCORD_HOSTS.has(url.hostname.toLowerCase()) || (loopback && rules.allowLoopback)))
      return "A Discord webhook URL starts with https://discord.com/api/webhooks/";
    if (!DISCORD_PATH.test(url.pathname) || url.search !== "" || url.hash !== "")
      return "This is not a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)";
  }
  return null;
}

const ZERO_WIDTH_SPACE = "\u200b";

/**
 * Game text never pings anyone: `@everyone`, `@here` and Discord's user, role and channel mention
 * syntax (`<@123>`, `<@!123>`, `<@&123>`) get a zero-width space, so they show as typed but do not
 * resolve. Payloads also set `allowed_mentions: { parse: [] }`; this is the second lock.
 */
export function neutraliseMentions(text: string): string {
  return text
    .replace(/@(everyone|here)/gi, `@${ZERO_WIDTH_SPACE}$1`)
    .replace(/<(@[!&]?|#)(\d)/g, `<$1${ZERO_WIDTH_SPACE}$2`);
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const COLOURS: Record<WebhookEventName, number> = {
  ban: 0xd93f3f,
  kick: 0xe58a2e,
  server_offline: 0x8a8f98,
  server_online: 0x3fb950,
  watch_join: 0xd4a72c,
  chat: 0x4c8bf5,
  trigger: 0x9b6bdf,
};

/** A Discord "execute webhook" body: one embed, Discord's length limits, no mentions at all. */
export function discordPayload(notice: WebhookNotice, at: Date) {
  return {
    username: "RconDeck",
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title: cut(neutraliseMentions(notice.title), 256),
        description: cut(neutraliseMentions(notice.text), 4096),
        color: COLOURS[notice.event],
        timestamp: at.toISOString(),
        fields: (notice.fields ?? []).slice(0, 25).map((f) => ({
          name: cut(neutraliseMentions(f.name), 256) || "-",
          value: cut(neutraliseMentions(f.value), 1024) || "-",
          inline: f.value.length <= 40,
        })),
      },
    ],
  };
}

/** A generic JSON body (mentions neutralised too: receivers often forward to chat apps). */
export function jsonPayload(notice: WebhookNotice, at: Date) {
  return {
    event: notice.event,
    serverId: notice.serverId,
    title: neutraliseMentions(notice.title),
    text: neutraliseMentions(notice.text),
    fields: (notice.fields ?? []).map((f) => ({
      name: neutraliseMentions(f.name),
      value: neutraliseMentions(f.value),
    })),
    at: at.toISOString(),
  };
}

export function webhookPayload(kind: WebhookKind, notice: WebhookNotice, at: Date): unknown {
  return kind === "discord" ? discordPayload(notice, at) : jsonPayload(notice, at);
}

// ---------------------------------------------------------------------------------------------
// The form

const serverIdsSchema = z.array(z.string().min(1).max(64)).max(500);

/** Create and edit. On edit a blank URL keeps the stored one (the browser never holds it). */
export const webhookFormSchema = z
  .object({
    name: z.string().trim().min(1, "Give the webhook a name").max(80, "At most 80 characters"),
    kind: z.enum(WEBHOOK_KINDS),
    url: z.string().trim().max(2000, "At most 2,000 characters").optional().default(""),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, "Choose at least one event").max(WEBHOOK_EVENTS.length),
    /** Chat relay: a `*`/`?` glob over the chat line (lib/commands/glob.ts); blank: every line. */
    chatFilter: z.string().trim().max(200, "At most 200 characters").optional().default(""),
    enabled: z.boolean().default(true),
    allServers: z.boolean().default(false),
    serverIds: serverIdsSchema.default([]),
  })
  .superRefine((value, ctx) => {
    if (!value.allServers && value.serverIds.length === 0)
      ctx.addIssue({ code: "custom", path: ["serverIds"], message: "Choose at least one server" });
  });
export type WebhookFormInput = z.input<typeof webhookFormSchema>;
export type WebhookForm = z.output<typeof webhookFormSchema>;
