/**
 * Development tooling around the Prisma CLI, which cannot download its native engine here: it runs
 * with the WASM schema-engine stand-in (scripts/prisma-schema-engine-shim.mjs, set in prisma.config.ts).
 *
 *   tsx scripts/prisma.ts generate          sync prisma/postgresql/schema.prisma from prisma/schema.prisma, generate both clients
 *   tsx scripts/prisma.ts migration <name>  write the next migration SQL for SQLite and PostgreSQL from the schema change
 *   tsx scripts/prisma.ts check             fail if the PostgreSQL schema or either migration history is behind the schema
 *
 * The app never runs these: it applies the committed SQL itself at start-up (server/db/migrate.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

type Provider = "sqlite" | "postgresql";
const PROVIDERS: Provider[] = ["sqlite", "postgresql"];
const SQLITE_SCHEMA = "prisma/schema.prisma";
const POSTGRES_SCHEMA = "prisma/postgresql/schema.prisma";
const EMPTY_MIGRATION = /^\s*(-- This is an empty migration\.)?\s*$/;

function postgresSchemaText(): string {
  const source = readFileSync(SQLITE_SCHEMA, "utf8");
  // Matched whatever the alignment (prettier-style column alignment changes the spaces).
  const provider = /provider(\s*)= "sqlite"/;
  const output = /output(\s*)= "\.\/generated\/sqlite"/;
  if (!provider.test(source) || !output.test(source))
    throw new Error(`${SQLITE_SCHEMA}: the datasource provider or the generator output was not found`);
  const body = source
    .replace(provider, 'provider$1= "postgresql"')
    .replace(output, 'output$1= "../generated/postgresql"');
  return `// GENERATED from prisma/schema.prisma by \`npm run db:generate\`. Do not edit.\n${body}`;
}

function prisma(provider: Provider, args: string[], extraEnv: Record<string, string> = {}): string {
  return execFileSync(path.resolve("node_modules/.bin/prisma"), args, {
    encoding: "utf8",
    env: { ...process.env, RCONDECK_PRISMA_PROVIDER: provider, ...extraEnv },
    stdio: ["ignore", "pipe", "inherit"],
  });
}

function pendingSql(provider: Provider): string {
  const schema = provider === "sqlite" ? SQLITE_SCHEMA : POSTGRES_SCHEMA;
  const dir = `prisma/migrations/${provider}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/migration_lock.toml`, `# Written by scripts/prisma.ts\nprovider = "${provider}"\n`);
  const hasMigrations = readdirSync(dir).some((d) => !d.includes("."));
  const from = hasMigrations ? ["--from-migrations", dir] : ["--from-empty"];
  mkdirSync(".tmp", { recursive: true });
  rmSync(".tmp/prisma-cli.db", { force: true });
  const sql = prisma(provider, ["migrate", "diff", ...from, "--to-schema", schema, "--script"]);
  return sql.replace(/^Loaded Prisma config.*\n/m, "");
}

function generate(): void {
  mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
  writeFileSync(POSTGRES_SCHEMA, postgresSchemaText());
  for (const provider of PROVIDERS) prisma(provider, ["generate"]);
}

function migration(name: string | undefined): void {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: migration <snake_case_name>");
  generate();
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  for (const provider of PROVIDERS) {
    const sql = pendingSql(provider);
    if (EMPTY_MIGRATION.test(sql)) {
      console.log(`${provider}: schema unchanged, no migration written`);
      continue;
    }
    const dir = `prisma/migrations/${provider}/${stamp}_${name}`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/migration.sql`, sql);
    console.log(`${provider}: wrote ${dir}/migration.sql`);
  }
}

function check(): void {
  const problems: string[] = [];
  if (readFileSync(POSTGRES_SCHEMA, "utf8") !== postgresSchemaText()) {
    problems.push(`${POSTGRES_SCHEMA} is stale: run npm run db:generate`);
  }
  for (const provider of PROVIDERS) {
    if (!EMPTY_MIGRATION.test(pendingSql(provider))) {
      problems.push(
        `${provider} migrations are behind prisma/schema.prisma: run npm run db:migration -- <name>`,
      );
    }
  }
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    process.exit(1);
  }
  console.log("prisma schema and migrations are in sync");
}

const [command, arg] = process.argv.slice(2);
if (command === "generate") generate();
else if (command === "migration") migration(arg);
else if (command === "check") check();
else {
  console.error("usage: tsx scripts/prisma.ts generate | migration <name> | check");
  process.exit(1);
}
