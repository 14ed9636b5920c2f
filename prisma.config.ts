// Prisma CLI configuration. Only development tooling uses the CLI (scripts/prisma.ts): the app
// migrates itself at start-up from the committed SQL (server/db/migrate.ts), with no CLI and no
// downloaded engine. The CLI's schema engine is the WASM stand-in in scripts/.
import path from "node:path";
import { defineConfig } from "prisma/config";

const provider = process.env.RCONDECK_PRISMA_PROVIDER === "postgresql" ? "postgresql" : "sqlite";
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("scripts/prisma-schema-engine-shim.mjs");
process.env.CHECKPOINT_DISABLE ??= "1";

export default defineConfig({
  schema: provider === "postgresql" ? "prisma/postgresql/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: `prisma/migrations/${provider}` },
  datasource: {
    url:
      process.env.RCONDECK_PRISMA_URL ??
      (provider === "postgresql" ? "postgresql://postgres@127.0.0.1:5432/test" : "file:./.tmp/prisma-cli.db"),
  },
});
