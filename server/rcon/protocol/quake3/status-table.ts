/**
 * The `status` command's player table, per engine generation (docs/protocols.md §3.8). Each format can
 * parse rows (regexes from the engines' printf formats; never fixed columns) and print them the way
 * the engine does, one Com_Printf per piece, so the emulator splits datagrams mid-line like the real
 * server. Names keep their colour codes; the dialect strips them with the engine's own rule.
 */
import { visibleLength, type ColourRule } from "../../../../lib/colour-codes.ts";

export interface StatusRow {
  slot: number;
  score: number;
  /** Null when the client is not in game yet (the state word is printed instead). */
  ping: number | null;
  /** "CNCT", "ZMBI", "CON", "ZMB", "PRIM", "DEMO"; null for a playing client. */
  state: string | null;
  name: string;
  address: string;
  rate: number;
  guid: string | null;
  lastMsg: number | null;
  qport: number | null;
}

export interface StatusTable {
  map: string | null;
  rows: StatusRow[];
  /** Lines inside the table that matched no row format (a lost datagram, an unknown variant). */
  unparsed: string[];
}

export interface StatusFormat {
  id: "ioq3" | "q3-legacy" | "cod4-legacy" | "etlegacy";
  parseRow(line: string): StatusRow | null;
  /** The engine's Com_Printf calls for a whole `status` answer. */
  print(map: string, rows: readonly StatusRow[], colourRule: ColourRule): string[];
}

const stateOrPing = (value: string): { ping: number | null; state: string | null } =>
  /^\d+$/.test(value) ? { ping: Number(value), state: null } : { ping: null, state: value };

const pad = (count: number, atLeastOne: boolean): string[] => {
  const n = atLeastOne ? Math.max(1, count) : Math.max(0, count);
  return Array.from({ length: n }, () => " ");
};

const fmt = (value: number, width: number): string => String(value).padStart(width, " ");

/** The leading `num score ping` columns every engine prints the same way, bar widths and the state word. */
function printLead(row: StatusRow, slotWidth: number, maxPing: number, defaultState: string): string[] {
  return [
    `${fmt(row.slot, slotWidth)} `,
    `${fmt(row.score, 5)} `,
    row.ping === null ? `${row.state ?? defaultState} ` : `${fmt(Math.min(row.ping, maxPing), 4)} `,
  ];
}

/** The legacy columns `num score ping [guid] name lastmsg address qport rate`, from a row match. */
function legacyRow(m: RegExpExecArray, guid: string | null): StatusRow {
  const at = guid === null ? 4 : 5; // the GUID column, when present, shifts the rest by one
  return {
    slot: Number(m[1]),
    score: Number(m[2]),
    ...stateOrPing(m[3] as string),
    guid,
    name: m[at] as string,
    lastMsg: Number(m[at + 1]),
    address: m[at + 2] as string,
    qport: Number(m[at + 3]),
    rate: Number(m[at + 4]),
  };
}

// (b) ioquake3 since 2014-02-22, Debian's OpenArena 0.8.8.
const IOQ3_ROW = /^\s*(\d+)\s+(-?\d+)\s+(\d+|CON|ZMB)\s+(.*?)\s+\^7(\S+)\s+(\d+)\s*$/;

export const IOQ3_STATUS: StatusFormat = {
  id: "ioq3",
  parseRow(line) {
    const m = IOQ3_ROW.exec(line);
    if (!m) return null;
    return {
      slot: Number(m[1]),
      score: Number(m[2]),
      ...stateOrPing(m[3] as string),
      name: m[4] as string,
      address: m[5] as string,
      rate: Number(m[6]),
      guid: null,
      lastMsg: null,
      qport: null,
    };
  },
  print(map, rows, colourRule) {
    const out = [
      `map: ${map}\n`,
      "cl score ping name            address                                 rate \n",
      "-- ----- ---- --------------- --------------------------------------- -----\n",
    ];
    for (const row of rows) {
      out.push(...printLead(row, 2, 9999, "CON"));
      out.push(row.name, ...pad(16 - visibleLength(row.name, colourRule), true));
      out.push(`^7${row.address}`, ...pad(39 - row.address.length, true), ` ${fmt(row.rate, 5)}`, "\n");
    }
    out.push("\n");
    return out;
  },
};

// (a) Quake 3 1.32, old OpenArena engines, ioq3 before 2014, Urban Terror 4.x.
const LEGACY_ROW = /^\s*(\d+)\s+(-?\d+)\s+(\d+|CNCT|ZMBI)\s+(.*?)\^7\s*(\d+)\s+(\S+)\s+(-?\d+)\s+(\d+)\s*$/;

export const Q3_LEGACY_STATUS: StatusFormat = {
  id: "q3-legacy",
  parseRow(line) {
    const m = LEGACY_ROW.exec(line);
    return m ? legacyRow(m, null) : null;
  },
  print(map, rows) {
    const out = [
      `map: ${map}\n`,
      "num score ping name            lastmsg address               qport rate\n",
      "--- ----- ---- --------------- ------- --------------------- ----- -----\n",
    ];
    for (const row of rows) {
      out.push(...printLead(row, 3, 999, "CNCT"));
      // Padding counts colour codes (WONTFIX in 1.32), possibly zero spaces.
      out.push(row.name, "^7", ...pad(16 - row.name.length, false));
      out.push(`${fmt(row.lastMsg ?? 0, 7)} `, row.address, ...pad(22 - row.address.length, false));
      out.push(fmt(row.qport ?? 0, 5), ` ${fmt(row.rate, 5)}`, "\n");
    }
    out.push("\n");
    return out;
  },
};

// (c) Call of Duty 4 1.7 / CoD4x legacy mode: a GUID column after ping.
const COD4_ROW =
  /^\s*(\d+)\s+(-?\d+)\s+(\d+|CNCT|ZMBI|PRIM)\s+(\S+)\s+(.*?)\^7\s*(\d+)\s+(\S+)\s+(-?\d+)\s+(\d+)\s*$/;

export const COD4_LEGACY_STATUS: StatusFormat = {
  id: "cod4-legacy",
  parseRow(line) {
    const m = COD4_ROW.exec(line);
    return m ? legacyRow(m, m[4] as string) : null;
  },
  print(map, rows, colourRule) {
    const out = [
      `map: ${map}\n`,
      "num score ping guid                             name            lastmsg address                                              qport rate\n",
      "--- ----- ---- -------------------------------- --------------- ------- ---------------------------------------------------- ----- -----\n",
    ];
    for (const row of rows) {
      const guid = row.guid ?? "0";
      out.push(...printLead(row, 3, 999, "CNCT"));
      out.push(guid, ...pad(33 - guid.length, true));
      const name = row.name.slice(0, 15);
      out.push(name, "^7", ...pad(16 - visibleLength(name, colourRule), true));
      out.push(`${fmt(row.lastMsg ?? 0, 7)} `, row.address, ...pad(52 - row.address.length, true));
      out.push(fmt(row.qport ?? 0, 5), ` ${fmt(row.rate, 5)}`, "\n");
    }
    out.push("\n");
    return out;
  },
};

// (d) ET:Legacy: a few header lines, then the legacy columns plus lastConnectTime.
const ETL_ROW =
  /^\s*(\d+)\s+(-?\d+)\s+(\d+|CNCT|ZMBI|DEMO)\s+(.*?)\^7\s*(\d+)\s+(\S+)\s+(-?\d+)\s+(\d+)(?:\s+\d+)?\s*$/;

export const ETLEGACY_STATUS: StatusFormat = {
  id: "etlegacy",
  parseRow(line) {
    const m = ETL_ROW.exec(line);
    return m ? legacyRow(m, null) : null;
  },
  print(map, rows, colourRule) {
    const out = [
      "cpu server utilization:  1 %\n",
      "avg response time     :  0 ms\n",
      `map: ${map}\n`,
      "num score ping name            lastmsg address               qport rate  lastConnectTime\n",
      "--- ----- ---- --------------- ------- --------------------- ----- ----- ---------------\n",
    ];
    for (const row of rows) {
      out.push(...printLead(row, 3, 999, "CNCT"));
      const width = 15 + (row.name.length - visibleLength(row.name, colourRule));
      out.push(`${`${row.name}^7`.padEnd(width + 2, " ")} `);
      out.push(
        `${fmt(row.lastMsg ?? 0, 7)} ${row.address.padEnd(21, " ")} ${fmt(row.qport ?? 0, 5)} ${fmt(row.rate, 5)} 0`,
        "\n",
      );
    }
    out.push("\n");
    return out;
  },
};

/** Reads a whole `status` answer: `map:` line, rows after the dashed separator, up to a blank line. */
export function parseStatusTable(text: string, format: StatusFormat): StatusTable {
  const lines = text.split(/\r?\n/);
  let map: string | null = null;
  const rows: StatusRow[] = [];
  const unparsed: string[] = [];
  let inTable = false;
  for (const line of lines) {
    if (!inTable) {
      const m = /^map\s*:\s*(\S*)/.exec(line);
      if (m) map = m[1] as string;
      else if (/^-[- ]*$/.test(line)) inTable = true;
      continue;
    }
    if (line.trim() === "") break;
    const row = format.parseRow(line);
    if (row) rows.push(row);
    else unparsed.push(line);
  }
  return { map, rows, unparsed };
}
