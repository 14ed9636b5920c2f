import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", "dist/**", ".next/**", "e2e/**"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Integration tests bind real loopback sockets and real databases; keep parallelism modest on 2-core machines.
    maxWorkers: 2,
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
