/**
 * `npm run bench -- <name> [args]` runs bench/<name>.ts. Benchmarks print figures; they never
 * assert timings (that is what tests must not do).
 */
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts" && !f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|")}> [args]`);
  process.exit(name ? 1 : 0);
}
const bench = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as {
  main(args: string[]): Promise<void>;
};
await bench.main(args);
