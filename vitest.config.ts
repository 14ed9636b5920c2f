import { existsSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * Files that take minutes of mostly waiting (Quake 3 engines answer one rcon command a second;
 * real processes are killed and stopped): started first, so none of them is left running alone at
 * the end. Vitest orders by the last run's durations when it has them, by file size on a clean
 * clone (CI), where these would start anywhere.
 */
const SLOW_FIRST = [
  "server/hub/ban-sync-families.test.ts",
  "server/cluster/cluster.process.test.ts",
  "server/rcon/quake3/shared-suite.test.ts",
  "server/data/parameter-limits.test.ts",
  "server/hub/seq-reservations.test.ts",
];
// A renamed file would silently lose its place: the list must name files that exist.
for (const file of SLOW_FIRST)
  if (!existsSync(file)) throw new Error(`vitest.config.ts: SLOW_FIRST names ${file}, which does not exist`);

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = SLOW_FIRST.indexOf(relative(this.ctx.config.root, file.moduleId));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the others keep Vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", "dist/**", ".next/**", "e2e/**"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Integration tests bind real loopback sockets and real databases; keep parallelism modest on 2-core machines.
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    coverage: {
      provider: "v8",
      include: ["server/**/*.ts", "lib/**/*.ts"],
      exclude: ["**/*.test.ts", "server/**/testing/**", "**/test-helpers.ts", "server/rcon/protocol/text.ts"],
      reporter: ["text-summary", "html"],
      // The bar matches the risk: the protocol cores and dialects parse what strangers
      // send; what is left uncovered there is defensive code no input reaches.
      thresholds: {
        "server/rcon/protocol/**": { branches: 97, lines: 99 },
        "server/data/**": { lines: 80 },
        "lib/**": { lines: 80 },
      },
    },
  },
});
