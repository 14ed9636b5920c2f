/**
 * The Source emulator's log stream, like SRCDS and CS2 send it (docs/game-logs.md): answers
 * `logaddress_add ip:port` / `logaddress_del` / `sv_logsecret` (UDP games) and
 * `logaddress_add_http "url"` / `logaddress_del_http` / `logaddress_delall_http` (CS2), and `log on|off`;
 * while logging is on, sends a log line for each join, leave and chat of the simulated world.
 * Which transport a game uses is its dialect's `logs` entry.
 */
import type { Clock } from "../../clock.ts";
import { encodeLogPacket } from "../../protocol/source/logs/packet.ts";
import type { TextCodec } from "../../protocol/text.ts";
import { postText } from "../../transport/http-post.ts";
import { bindUdp, type UdpServerSocket } from "../../transport/udp.ts";
import type { GameLogs, Logger } from "../../types.ts";
import type { EmulatedPlayer, EmulatedWorld } from "./world.ts";

/** Posts waiting to go out to one URL; past it new lines are dropped (a receiver that hangs). */
const MAX_PENDING_POSTS = 64;

export interface EmulatorLogs {
  /** Answers a log command (`name` lower-cased); null for every other command. */
  command(name: string, rest: string): string | null;
  /** After anything that may change who is on: joins and leaves since the last call go to the log. */
  sync(): void;
  chat(player: EmulatedPlayer, text: string): void;
  /** Where lines go now (tests check the hub registered and unregistered itself). */
  readonly udpTargets: readonly string[];
  readonly httpTargets: readonly string[];
  readonly secret: string | null;
  readonly enabled: boolean;
  close(): Promise<void>;
}

export interface EmulatorLogOptions {
  logs: GameLogs | undefined;
  world: EmulatedWorld;
  /** The address the emulator listens on: log datagrams come from it, like SRCDS's from its own. */
  host: string;
  clock: Clock;
  codec: TextCodec;
  logger?: Logger | undefined;
}

const two = (n: number) => String(n).padStart(2, "0");

function stamp(at: number, transport: GameLogs["transport"]): string {
  const d = new Date(at);
  const date = `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} - ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return transport === "udp"
    ? `L ${date}: `
    : `${date}.${String(d.getUTCMilliseconds()).padStart(3, "0")} - `;
}

const ref = (p: EmulatedPlayer) => `"${p.name}<${p.userid}><${p.isBot ? "BOT" : `[U:1:${p.accountId}]`}><>"`;
const unquote = (text: string) => text.trim().replace(/^"(.*)"$/, "$1");

export function emulatorLogs(o: EmulatorLogOptions): EmulatorLogs {
  const transport = o.logs?.transport;
  const udpTargets: string[] = [];
  const httpTargets: string[] = [];
  let secret: string | null = null;
  let enabled = false;
  let socket: Promise<UdpServerSocket | null> | null = null;
  const pending = new Map<string, number>();
  let known = new Map<number, EmulatedPlayer>(o.world.players.map((p) => [p.userid, p]));

  const udpSocket = () =>
    (socket ??= bindUdp(o.host, 0, { onDatagram() {}, onError() {} }).catch((error: unknown) => {
      o.logger?.warn("emulator: log socket failed", { error: String(error) });
      return null;
    }));

  const post = (url: string, body: string) => {
    const waiting = pending.get(url) ?? 0;
    if (waiting >= MAX_PENDING_POSTS) return;
    pending.set(url, waiting + 1);
    void postText(url, body)
      .catch(() => undefined) // a receiver that is gone: SRCDS does not care either
      .finally(() => pending.set(url, (pending.get(url) ?? 1) - 1));
  };

  const send = (bodies: string[]) => {
    if (!enabled || !transport || bodies.length === 0) return;
    const at = o.clock.now();
    if (transport === "http") {
      const text = bodies.map((b) => `${stamp(at, "http")}${b}\n`).join("");
      for (const url of httpTargets) post(url, text);
      return;
    }
    if (udpTargets.length === 0) return;
    const targets = [...udpTargets];
    const packets = bodies.map((b) => encodeLogPacket(`${stamp(at, "udp")}${b}`, secret, o.codec));
    void udpSocket().then((s) => {
      for (const target of targets) {
        const colon = target.lastIndexOf(":");
        for (const packet of packets)
          s?.sendTo(packet, target.slice(0, colon), Number(target.slice(colon + 1)));
      }
    });
  };

  const udpCommands: Record<string, (rest: string) => string> = {
    sv_logsecret: (rest) => {
      if (rest === "") return `"sv_logsecret" = "${secret ?? "0"}"\n`;
      secret = /^\d{1,10}$/.test(rest) && rest !== "0" ? rest : null;
      return "";
    },
    logaddress_add: (rest) => {
      const address = unquote(rest);
      if (!/^[\d.]+:\d{1,5}$/.test(address)) return "logaddress_add:  unparseable address\n";
      if (!udpTargets.includes(address)) udpTargets.push(address);
      return `logaddress_add:  ${address}\n`;
    },
    logaddress_del: (rest) => {
      const index = udpTargets.indexOf(unquote(rest));
      if (index < 0) return "logaddress_del:  Couldn't find address in list\n";
      udpTargets.splice(index, 1);
      return `logaddress_del:  ${unquote(rest)}\n`;
    },
    logaddress_list: () =>
      udpTargets.length === 0
        ? "logaddress_list:  no addresses in the list\n"
        : udpTargets.map((a) => `${a}\n`).join(""),
  };
  const httpCommands: Record<string, (rest: string) => string> = {
    logaddress_add_http: (rest) => {
      const url = unquote(rest);
      if (!/^https?:\/\/\S+$/.test(url)) return "logaddress_add_http:  unparseable URI\n";
      if (!httpTargets.includes(url)) httpTargets.push(url);
      return "";
    },
    logaddress_del_http: (rest) => {
      const index = httpTargets.indexOf(unquote(rest));
      if (index >= 0) httpTargets.splice(index, 1);
      return "";
    },
    logaddress_delall_http: () => {
      httpTargets.length = 0;
      return "";
    },
    logaddress_list_http: () => httpTargets.map((u) => `${u}\n`).join(""),
  };
  const table = transport === "udp" ? udpCommands : transport === "http" ? httpCommands : {};

  return {
    command(name, rest) {
      if (name === "log" && transport) {
        const word = rest.trim().toLowerCase();
        if (word === "on" || word === "1") enabled = true;
        else if (word === "off" || word === "0") enabled = false;
        return `Server logging ${enabled ? "enabled" : "disabled"}.\n`;
      }
      const handler = table[name];
      return handler ? handler(rest.trim()) : null;
    },
    sync() {
      const now = new Map(o.world.players.map((p) => [p.userid, p]));
      const bodies: string[] = [];
      for (const [userid, p] of known)
        if (!now.has(userid)) bodies.push(`${ref(p)} disconnected (reason "Disconnect")`);
      for (const [userid, p] of now) {
        if (known.has(userid)) continue;
        bodies.push(
          `${ref(p)} connected, address "${p.isBot ? "none" : `${p.ip}:${p.port}`}"`,
          `${ref(p)} entered the game`,
        );
      }
      known = now;
      send(bodies);
    },
    chat(player, text) {
      send([`${ref(player)} say "${text}"`]);
    },
    get udpTargets() {
      return udpTargets;
    },
    get httpTargets() {
      return httpTargets;
    },
    get secret() {
      return secret;
    },
    get enabled() {
      return enabled;
    },
    async close() {
      enabled = false;
      const s = await socket;
      await s?.close();
    },
  };
}
