import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COD4_LEGACY_STATUS,
  ETLEGACY_STATUS,
  IOQ3_STATUS,
  parseStatusTable,
  Q3_LEGACY_STATUS,
  type StatusFormat,
  type StatusRow,
} from "./status-table.ts";
import { redirectPrints } from "./server.ts";
import { printedText } from "./test-helpers.ts";

describe("status tables", () => {
  it("parses the real OpenArena 0.8.8 captures", () => {
    const table = parseStatusTable(printedText("status"), IOQ3_STATUS);
    expect(table.map).toBe("oa_dm1");
    expect(table.unparsed).toEqual([]);
    expect(table.rows.map((r) => [r.slot, r.name, r.address, r.rate, r.ping])).toEqual([
      [0, "Grism", "bot", 16384, 0],
      [1, "Angelyss", "bot", 16384, 0],
      [2, "Gargoyle", "bot", 16384, 0],
      [3, "Sarge", "bot", 16384, 0],
    ]);
    expect(parseStatusTable(printedText("status_after"), IOQ3_STATUS).rows.map((r) => r.slot)).toEqual([
      2, 3,
    ]);
    expect(parseStatusTable(printedText("status_final"), IOQ3_STATUS).rows).toMatchObject([
      { slot: 2, score: 1, name: "Gargoyle" },
    ]);
  });

  it("prints exactly what the real server printed", () => {
    const table = parseStatusTable(printedText("status"), IOQ3_STATUS);
    expect(IOQ3_STATUS.print("oa_dm1", table.rows, "ioq3").join("")).toBe(printedText("status"));
  });

  it("parses the documented rows of the other engines (docs/protocols.md §3.8)", () => {
    const ioq3 = parseStatusTable(
      [
        "map: q3dm17",
        "cl score ping name            address                                 rate ",
        "-- ----- ---- --------------- --------------------------------------- -----",
        " 0    12   48 ^1Red^7Baron        ^7192.168.1.10:27960                      25000",
        " 2    -3 CON Long ^7Name With Sp ^7[2001:db8::1]:27960                     90000",
        "",
      ].join("\n"),
      IOQ3_STATUS,
    );
    expect(ioq3.rows).toMatchObject([
      {
        slot: 0,
        score: 12,
        ping: 48,
        state: null,
        name: "^1Red^7Baron",
        address: "192.168.1.10:27960",
        rate: 25000,
      },
      {
        slot: 2,
        score: -3,
        ping: null,
        state: "CON",
        name: "Long ^7Name With Sp",
        address: "[2001:db8::1]:27960",
      },
    ]);
    const legacy = parseStatusTable(
      [
        "map: q3dm17",
        "num score ping name            lastmsg address               qport rate",
        "--- ----- ---- --------------- ------- --------------------- ----- -----",
        "  0    12   48 ^1Red^7Baron^7         50 192.168.1.10:27960     1234 25000",
        "  1     0    0 Sarge^7                 0 bot                       0 16384",
        "  2    -3 CNCT Long Name With Sp^71234567 1.2.3.4:5             65535 90000",
        "",
      ].join("\n"),
      Q3_LEGACY_STATUS,
    );
    expect(legacy.rows).toMatchObject([
      { slot: 0, name: "^1Red^7Baron", lastMsg: 50, address: "192.168.1.10:27960", qport: 1234 },
      { slot: 1, name: "Sarge", address: "bot" },
      {
        slot: 2,
        ping: null,
        state: "CNCT",
        name: "Long Name With Sp",
        lastMsg: 1234567,
        qport: 65535,
        rate: 90000,
      },
    ]);
    const cod4 = parseStatusTable(
      [
        "map: mp_crash",
        "num score ping guid                             name            lastmsg address                                              qport rate",
        "--- ----- ---- -------------------------------- --------------- ------- ---------------------------------------------------- ----- -----",
        "  0    10   50 0123456789abcdef0123456789abcdef ^2Player^7One^7             0 1.2.3.4:28960                                        31337 25000",
        "  1     0  999 bot0                             bot0^7                  0 bot                                                      0     0",
        "",
      ].join("\n"),
      COD4_LEGACY_STATUS,
    );
    expect(cod4.rows).toMatchObject([
      {
        slot: 0,
        guid: "0123456789abcdef0123456789abcdef",
        name: "^2Player^7One",
        address: "1.2.3.4:28960",
        qport: 31337,
      },
      { slot: 1, guid: "bot0", name: "bot0", address: "bot", ping: 999 },
    ]);
  });

  it("stops at the blank line and tolerates garbage before the table", () => {
    const text = "Server is not running.\n";
    expect(parseStatusTable(text, IOQ3_STATUS)).toEqual({ map: null, rows: [], unparsed: [] });
    const cut = printedText("status").replace(" 3     0    0 Sarge", " 3     0    0 Sar"); // still a row
    expect(parseStatusTable(cut, IOQ3_STATUS).rows).toHaveLength(4);
    const broken = printedText("status").replace(
      "^7bot                                     16384\n 1",
      "\n 1",
    );
    expect(parseStatusTable(broken, IOQ3_STATUS).unparsed).toHaveLength(1);
  });

  const formats: StatusFormat[] = [IOQ3_STATUS, Q3_LEGACY_STATUS, COD4_LEGACY_STATUS, ETLEGACY_STATUS];

  // Buffers from 150 bytes: a single print longer than the buffer is truncated by the engine itself.
  it("property: every format parses back what it prints, whatever the datagram splits", () => {
    const nameChar = fc.constantFrom("a", "Z", "0", " ", "^", "1", "7", "_", "[", "]", "é");
    const arbName = fc
      .string({ unit: nameChar, minLength: 1, maxLength: 20 })
      .filter((n) => n.trim() === n && !n.endsWith("^") && !/\^7$|\^\^/.test(n) && /^\S/.test(n));
    const arbRow = fc.record({
      slot: fc.integer({ min: 0, max: 63 }),
      score: fc.integer({ min: -999, max: 9999 }),
      ping: fc.integer({ min: 0, max: 999 }),
      name: arbName,
      address: fc.constantFrom("bot", "loopback", "192.168.1.10:27960", "1.2.3.4:5"),
      rate: fc.integer({ min: 0, max: 90000 }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...formats),
        fc.array(arbRow, { maxLength: 6 }),
        fc.integer({ min: 150, max: 1100 }),
        (format, partial, buffer) => {
          const rows: StatusRow[] = partial.map((r, i) => ({
            ...r,
            slot: i,
            state: null,
            guid: format === COD4_LEGACY_STATUS ? `guid${i}` : null,
            lastMsg: 0,
            qport: 0,
          }));
          const rule = format === COD4_LEGACY_STATUS ? "cod" : "ioq3";
          const printed = redirectPrints(format.print("q3dm17", rows, rule), buffer).join("");
          const table = parseStatusTable(printed, format);
          expect(table.unparsed).toEqual([]);
          const expectedNames = rows.map((r) =>
            format === COD4_LEGACY_STATUS ? r.name.slice(0, 15).replace(/\s+$/, "") : r.name,
          );
          expect(table.rows.map((r) => r.name.replace(/\s+$/, ""))).toEqual(expectedNames);
          expect(table.rows.map((r) => [r.slot, r.score, r.ping, r.address, r.rate])).toEqual(
            rows.map((r) => [r.slot, r.score, r.ping, r.address, r.rate]),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fuzz: parsing random text never throws", () => {
    fc.assert(
      fc.property(fc.constantFrom(...formats), fc.string({ maxLength: 300 }), (format, text) => {
        parseStatusTable(`map: x\n---\n${text}`, format);
        parseStatusTable(text, format);
      }),
      { numRuns: 1000 },
    );
  });

  it("prints and parses the connecting / zombie state words of each format", () => {
    const cases: [StatusFormat, string][] = [
      [IOQ3_STATUS, "CON"],
      [Q3_LEGACY_STATUS, "ZMBI"],
      [COD4_LEGACY_STATUS, "PRIM"],
      [ETLEGACY_STATUS, "CNCT"],
    ];
    for (const [format, state] of cases) {
      const row: StatusRow = {
        slot: 3,
        score: -2,
        ping: null,
        state,
        name: "^1Late^7Comer",
        address: "10.0.0.1:27960",
        rate: 5000,
        guid: "abc",
        lastMsg: 7,
        qport: 9,
      };
      const table = parseStatusTable(format.print("m", [row], "ioq3").join(""), format);
      expect(table.rows).toMatchObject([
        { slot: 3, score: -2, ping: null, state, name: "^1Late^7Comer", address: "10.0.0.1:27960" },
      ]);
      // A state word the engine prints by default when the row has none.
      const fallback = parseStatusTable(
        format.print("m", [{ ...row, state: null }], "ioq3").join(""),
        format,
      );
      expect(fallback.rows[0]?.state).not.toBeNull();
      // Pings above the column width are clamped like the engine does.
      const slow = parseStatusTable(
        format.print("m", [{ ...row, ping: 123456, state: null }], "ioq3").join(""),
        format,
      );
      expect(slow.rows[0]?.ping).toBeLessThanOrEqual(9999);
    }
  });

  it("prints rows without lastmsg, qport or GUID (as the ioq3 table has none) with the engines' zeros", () => {
    // The real OpenArena rows carry no lastmsg/qport/GUID; the legacy layouts print 0 for each.
    const rows = parseStatusTable(printedText("status"), IOQ3_STATUS).rows;
    expect(rows[0]).toMatchObject({ lastMsg: null, qport: null, guid: null });
    for (const format of [Q3_LEGACY_STATUS, COD4_LEGACY_STATUS, ETLEGACY_STATUS]) {
      const printed = format.print("oa_dm1", rows, "ioq3").join("");
      const table = parseStatusTable(printed, format);
      expect(table.unparsed).toEqual([]);
      expect(table.rows.map((r) => [r.slot, r.name, r.address, r.rate, r.lastMsg, r.qport])).toEqual(
        rows.map((r) => [r.slot, r.name, r.address, r.rate, 0, 0]),
      );
      expect(table.rows.every((r) => r.guid === (format === COD4_LEGACY_STATUS ? "0" : null))).toBe(true);
    }
  });
});
