/**
 * Ban import of a large native file on SQLite and on PostgreSQL: N lines (default 100,000) of a
 * mixed SRCDS banned_user.cfg / banned_ip.cfg with some duplicates and invalid lines, into a
 * database that already holds 10,000 bans (so the duplicate lookup has work). Prints the preview
 * time, the commit time (one transaction), the export time of the whole table and memory.
 * `npm run bench -- bans-import [--lines N] [--only sqlite|postgresql]`
 * (with NODE_OPTIONS=--expose-gc the memory figures are after a full GC).
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Actor } from "../lib/permissions.ts";
import { exportBans } from "../server/data/ban-export.ts";
import { commitBanImport, previewBanImport } from "../server/data/ban-import.ts";
import {
  createPostgresTestDatabase,
  createSqliteTestDatabase,
  type TestDatabase,
} from "../server/testing/databases.ts";

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

function nativeFile(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    if (i % 1_000 === 999) out.push("banid 0 STEAM_0:1:not-a-number");
    else if (i % 500 === 2)
      out.push(`banid 0 [U:1:${1_000_000 + i - 1}]`); // duplicate of the previous line
    else if (i % 4 === 0) out.push(`addip 0 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    else out.push(`banid 0 [U:1:${1_000_000 + i}]`);
  }
  return out.join("\n") + "\n";
}

async function run(label: string, create: () => Promise<TestDatabase>, lines: number): Promise<void> {
  const t = await create();
  try {
    const user = await t.db.user.create({
      data: { email: "bench@example.com", name: "Bench", passwordHash: "x", role: "OWNER", allServers: true },
    });
    const actor: Actor = { id: user.id, email: user.email, name: user.name, role: "OWNER", serverIds: null };
    const ctx = { db: t.db, actor, ip: null };
    const now = new Date();
    // 10,000 existing bans, a tenth of them on identities the file repeats.
    await commitBanImport(ctx, { text: nativeFile(10_000), target: { scope: "all" } }, now);
    const text = nativeFile(lines);
    gc();
    const before = process.memoryUsage();
    let peak = before.rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    let start = performance.now();
    const preview = await previewBanImport(ctx, { text, target: { scope: "all" } }, now);
    const previewMs = performance.now() - start;
    start = performance.now();
    const result = await commitBanImport(ctx, { text, target: { scope: "all" } }, now);
    const commitMs = performance.now() - start;
    clearInterval(sampler);
    console.log(
      `${label}: ${lines.toLocaleString("en")} lines (${(text.length / 2 ** 20).toFixed(1)} MB): preview ${previewMs.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms ` +
        `(${result.created.toLocaleString("en")} created, ${preview.duplicatesInFile} merged in the file, ${preview.alreadyBanned} already banned, ${preview.invalidCount} invalid)`,
    );
    console.log(
      // better-sqlite3 blocks the event loop, so the sampler misses SQLite's peak; maxRSS (the
      // process's high-water mark so far) does not.
      `${label}: memory: RSS before ${mb(before.rss)}, sampled peak ${mb(peak)}, process high-water mark ${mb(process.resourceUsage().maxRSS * 1024)} (heap before ${mb(before.heapUsed)})`,
    );
    gc();
    console.log(`${label}: memory before the export: RSS ${mb(process.memoryUsage().rss)}`);
    const exportStart = performance.now();
    const exported = await exportBans(ctx, { format: "csv" }, now);
    const reader = exported.body.getReader();
    let bytes = 0;
    let peakExport = process.memoryUsage().rss;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      bytes += chunk.value.byteLength;
      peakExport = Math.max(peakExport, process.memoryUsage().rss);
    }
    console.log(
      `${label}: export of the whole table (${(await t.db.ban.count()).toLocaleString("en")} bans, ${mb(bytes)} CSV): ${(performance.now() - exportStart).toFixed(0)} ms, RSS peak ${mb(peakExport)}`,
    );
  } finally {
    await t.drop();
  }
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { lines: { type: "string", default: "100000" }, only: { type: "string" } },
  });
  const lines = Number(values.lines);
  if (values.only !== "postgresql") await run("sqlite", createSqliteTestDatabase, lines);
  if (values.only !== "sqlite") await run("postgresql", createPostgresTestDatabase, lines);
}
