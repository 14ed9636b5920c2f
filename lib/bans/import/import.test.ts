/**
 * Ban file parsers against realistic sample files (fixtures/): every format, invalid lines with
 * their numbers, format detection, CSV escaping (quotes, newlines, formula injection) and the
 * round trip of RconDeck's own CSV and JSON exports without loss, expiry included.
 */
// eslint-disable-next-line no-restricted-imports -- the test reads its sample files; the parsers never touch fs
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { csvCell, csvRow, parseCsv } from "./csv.ts";
import { detectFormat, parseBanFile } from "./parse.ts";
import {
  CSV_COLUMNS,
  JSON_EXPORT_TAIL,
  exportedCsvRow,
  jsonExportEntry,
  jsonExportHead,
  type ExportedBan,
} from "./rcondeck.ts";

const NOW = new Date("2026-06-01T12:00:00Z");
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const parse = (name: string) => {
  const text = fixture(name);
  const format = detectFormat(text);
  if (!format) throw new Error(`no format for ${name}`);
  return parseBanFile(text, format, { now: NOW });
};

describe("SRCDS banned_user.cfg / banned_ip.cfg", () => {
  it("reads banid lines in any SteamID notation as SteamID64, timed ones from now", () => {
    const out = parse("banned_user.cfg");
    expect(out.format).toBe("srcds");
    expect(
      out.bans.map((b) => [b.line, b.identifiers[0]!.value, b.expiresAt?.toISOString() ?? null]),
    ).toEqual([
      [1, "76561197960512641", null],
      [2, "76561197961574370", null],
      [3, "76561197960265775", null],
      [4, "76561197960265775", null],
      [5, "76561197960267727", "2026-06-01T12:30:00.000Z"],
      [10, "76561197960512641", null],
    ]);
    expect(out.invalid.map((i) => i.line)).toEqual([6, 9]);
    expect(out.invalid[0]!.reason).toMatch(/SteamID/);
  });

  it("reads addip lines (CRLF) and reports a bad address by line", () => {
    const out = parse("banned_ip.cfg");
    expect(out.bans.map((b) => b.identifiers)).toEqual([
      [{ kind: "ip", value: "1.2.3.4" }],
      [{ kind: "ip", value: "203.0.113.77" }],
    ]);
    expect(out.invalid).toEqual([{ line: 3, reason: expect.stringMatching(/IPv4/) as unknown }]);
  });
});

describe("BattlEye bans.txt", () => {
  it("reads GUID and IP bans, -1 permanent, Unix expiry, empty reason", () => {
    const out = parse("bans.txt");
    expect(out.format).toBe("battleye");
    expect(
      out.bans.map((b) => [b.line, b.identifiers[0], b.expiresAt?.toISOString() ?? null, b.reason]),
    ).toEqual([
      [1, { kind: "battleye", value: "b57c222222a76f458893641000000005" }, null, "Script Detection: Gerk"],
      [
        2,
        { kind: "battleye", value: "8ac61111111cd2ff4235140000000026" },
        "2030-01-01T00:00:00.000Z",
        "Script Detection: setVehicleInit DoThis;",
      ],
      [3, { kind: "ip", value: "127.0.0.1" }, null, "local connections disabled"],
      [4, { kind: "ip", value: "8.8.8.8" }, "2030-01-01T00:00:00.000Z", "Imported from bans.txt"],
    ]);
    expect(out.invalid.map((i) => i.line)).toEqual([5, 6]);
  });
});

describe("Minecraft banned-players.json / banned-ips.json", () => {
  it("reads uuid, name, created, expires (forever or a date) and source; bad entries by line", () => {
    const out = parse("banned-players.json");
    expect(out.format).toBe("minecraft");
    expect(out.bans).toHaveLength(2);
    expect(out.bans[0]).toMatchObject({
      line: 2,
      identifiers: [
        { kind: "mc_uuid", value: "069a79f4-44e9-4726-a5be-fca90e38aaf5" },
        { kind: "mc_name", value: "notch" },
      ],
      playerNames: ["Notch"],
      reason: "Banned by an operator.",
      note: "Banned by Server (Minecraft)",
      createdAt: new Date("2024-01-15T18:32:10Z"),
      expiresAt: null,
    });
    expect(out.bans[1]).toMatchObject({
      line: 10,
      identifiers: [
        { kind: "mc_uuid", value: "853c80ef-3c37-49fd-aa49-938b674adae6" },
        { kind: "mc_name", value: "jeb_" },
      ],
      expiresAt: new Date("2024-03-01T08:00:00Z"),
    });
    expect(out.invalid).toEqual([
      { line: 18, reason: expect.stringMatching(/^uuid: /) as unknown },
      { line: 26, reason: expect.stringMatching(/^expires: "next tuesday"/) as unknown },
    ]);
  });

  it("reads banned-ips.json (IPv6 normalised) with the line number of each entry", () => {
    const out = parse("banned-ips.json");
    expect(out.bans.map((b) => [b.line, b.identifiers[0]!.value])).toEqual([
      [2, "192.168.0.10"],
      [9, "2001:db8::1"],
    ]);
    expect(out.invalid.map((i) => i.line)).toEqual([16]);
  });

  it("reports broken JSON as one invalid line", () => {
    const out = parseBanFile('[\n  {"ip": "1.2.3.4",\n  oops\n]', "minecraft", { now: NOW });
    expect(out.bans).toEqual([]);
    expect(out.invalid).toHaveLength(1);
    expect(out.invalid[0]!.reason).toMatch(/Not valid JSON/);
  });
});

describe("CSV escaping", () => {
  it("quotes commas, quotes and newlines and defuses formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    for (const s of ["+1", "-1", "@SUM(A1)", "\tx", "'quoted"])
      expect(csvCell(s).replace(/^"/, "")[0]).toBe("'");
  });

  it("reads back exactly what it wrote, including cells spanning lines", () => {
    const rows = [
      ["a", "=1+1", "x\r\ny", '"q"', "'apos", "-5", ""],
      ["b", "@x", "", "", "", "", "z"],
    ];
    const parsed = parseCsv(rows.map(csvRow).join(""));
    expect(parsed.ok && parsed.records.map((r) => r.cells)).toEqual(rows);
    expect(parsed.ok && parsed.records.map((r) => r.line)).toEqual([1, 3]);
  });

  it("reports an unterminated quote at its record's line", () => {
    expect(parseCsv('a,b\n1,"never closed\n2,3\n')).toEqual({
      ok: false,
      line: 2,
      reason: expect.any(String) as unknown,
    });
  });
});

describe("RconDeck export round trip", () => {
  const bans: ExportedBan[] = [
    {
      id: "b1",
      playerNames: ["=cmd|' /C calc'!A0", 'Quote "Q", comma'],
      identifiers: [
        { kind: "steam", value: "76561197960265775" },
        { kind: "cidr", value: "203.0.113.0/24" },
        { kind: "name", value: "the | player" },
      ],
      reason: "+aimbot, wallhack",
      note: 'line one\nline two, with "quotes"',
      createdAt: "2026-05-01T10:00:00.000Z",
      expiresAt: "2026-07-01T10:00:00.123Z",
      state: "active",
      revokedAt: null,
      revokedByEmail: null,
      revokeReason: null,
      authorName: "Admin",
      scope: "all",
    },
    {
      id: "b2",
      playerNames: [],
      identifiers: [{ kind: "battleye", value: "b57c222222a76f458893641000000005" }],
      reason: "'already quoted",
      note: null,
      createdAt: "2026-05-02T10:00:00.000Z",
      expiresAt: null,
      state: "revoked",
      revokedAt: "2026-05-03T10:00:00.000Z",
      revokedByEmail: "owner@example.com",
      revokeReason: "appeal accepted",
      authorName: null,
      scope: "servers",
    },
  ];
  const expected = bans.map((b, i) => ({
    identifiers: b.identifiers,
    playerNames: b.playerNames,
    reason: b.reason,
    note: b.note,
    createdAt: new Date(b.createdAt),
    expiresAt: b.expiresAt === null ? null : new Date(b.expiresAt),
    revokedAt: b.revokedAt === null ? null : new Date(b.revokedAt),
    revokedByEmail: b.revokedByEmail,
    revokeReason: b.revokeReason,
    line: i,
  }));

  it("CSV: export then import loses nothing", () => {
    const text = csvRow(CSV_COLUMNS) + bans.map((b) => csvRow(exportedCsvRow(b))).join("");
    expect(detectFormat(text)).toBe("rcondeck-csv");
    const out = parseBanFile(text, "rcondeck-csv", { now: NOW });
    expect(out.invalid).toEqual([]);
    expect(out.bans.map((b) => ({ ...b, line: 0 }))).toEqual(expected.map((e) => ({ ...e, line: 0 })));
    expect(out.bans.map((b) => b.line)).toEqual([2, 4]); // the note spans two lines
  });

  it("JSON: export then import loses nothing", () => {
    const text =
      jsonExportHead(NOW) + bans.map((b, i) => jsonExportEntry(b, i === 0)).join("") + JSON_EXPORT_TAIL;
    expect(detectFormat(text)).toBe("rcondeck-json");
    const out = parseBanFile(text, "rcondeck-json", { now: NOW });
    expect(out.invalid).toEqual([]);
    expect(out.bans).toEqual(expected.map((e, i) => ({ ...e, line: i + 2 })));
  });

  it("reports rows without identifiers (an export made without players.identities) and bad cells by line", () => {
    const noIds = { ...bans[0]!, identifiers: undefined };
    const bad = { ...bans[1]!, expiresAt: "tomorrow" };
    const text =
      csvRow(CSV_COLUMNS) + [noIds, bad].map((b) => csvRow(exportedCsvRow(b))).join("") + "short,row\n";
    const out = parseBanFile(text, "rcondeck-csv", { now: NOW });
    expect(out.bans).toEqual([]);
    expect(out.invalid).toEqual([
      { line: 2, reason: "The ban has no identifiers." },
      { line: 4, reason: "expires_at is not an ISO date." },
      { line: 5, reason: "Expected 13 cells, found 2." },
    ]);
  });
});
