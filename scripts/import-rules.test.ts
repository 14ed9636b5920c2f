/**
 * The import table of ARCHITECTURE.md is enforced by eslint.config.mjs: for every row, a probe file
 * at that place gets the forbidden import and must be reported, and an allowed import beside it must
 * not be. A later edit that drops or narrows a boundary rule fails here. The probes are linted as
 * text under a path that does not exist on disk, without type information (the boundary rules do
 * not need it, and the project service only knows files on disk).
 */
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { beforeAll, describe, expect, it } from "vitest";
import { findProjectRoot } from "../server/project-root.ts";

interface Probe {
  /** A file path under the row's folder; the file itself is never written. */
  file: string;
  code: string;
}

interface Row {
  from: string;
  forbidden: Probe[];
  allowed: Probe[];
}

const BOUNDARY_RULES = new Set([
  "no-restricted-imports",
  "no-restricted-globals",
  "no-restricted-properties",
  "no-restricted-syntax",
  "no-console",
]);

const rows: Row[] = [
  {
    from: "app/**",
    forbidden: [
      { file: "app/probe.ts", code: `import { SourceClient } from "@/server/rcon/protocol/source/client";` },
      { file: "app/probe.ts", code: `import { db } from "@/server/db/client";` },
      { file: "app/probe.ts", code: `import { PrismaClient } from "@prisma/client";` },
      { file: "app/probe.ts", code: `import { createHub } from "@/server/hub/hub";` },
      { file: "app/probe.ts", code: `import { createRealtime } from "@/server/realtime/io";` },
      { file: "app/probe.ts", code: `import { ClusterHub } from "@/server/cluster/cluster-hub";` },
    ],
    allowed: [
      { file: "app/probe.ts", code: `import { listBans } from "@/server/data/bans";` },
      { file: "app/probe.ts", code: `import { runtime } from "@/server/runtime";` },
      { file: "app/probe.ts", code: `import type { Hub } from "@/server/hub/hub";` },
    ],
  },
  {
    from: "components/**",
    forbidden: [
      { file: "components/probe.tsx", code: `import { readFileSync } from "node:fs";` },
      { file: "components/probe.tsx", code: `import { PrismaClient } from "@prisma/client";` },
      { file: "components/probe.tsx", code: `import { listBans } from "@/server/data/bans";` },
      { file: "components/probe.tsx", code: `import { runtime } from "@/server/runtime";` },
      { file: "components/probe.tsx", code: `import { createHub } from "@/server/hub/hub";` },
    ],
    allowed: [
      { file: "components/probe.tsx", code: `import type { BanView } from "@/server/data/bans";` },
      { file: "components/probe.tsx", code: `import { formatDateTime } from "@/lib/utils";` },
    ],
  },
  {
    from: "lib/**",
    forbidden: [
      { file: "lib/probe.ts", code: `import { readFileSync } from "node:fs";` },
      { file: "lib/probe.ts", code: `import { useState } from "react";` },
      { file: "lib/probe.ts", code: `import { redirect } from "next/navigation";` },
      { file: "lib/probe.ts", code: `import { listBans } from "../server/data/bans.ts";` },
      { file: "lib/probe.ts", code: `import { Button } from "../components/ui/button.tsx";` },
    ],
    allowed: [{ file: "lib/probe.ts", code: `import { z } from "zod";` }],
  },
  {
    from: "server/rcon/protocol/**",
    forbidden: [
      { file: "server/rcon/protocol/probe.ts", code: `import { createSocket } from "node:dgram";` },
      { file: "server/rcon/protocol/probe.ts", code: `import { TcpTransport } from "../transport/tcp.ts";` },
      { file: "server/rcon/protocol/probe.ts", code: `setTimeout(() => undefined, 1);` },
      { file: "server/rcon/protocol/probe.ts", code: `export const t = Date.now();` },
      { file: "server/rcon/protocol/probe.ts", code: `export const b = Buffer.from("x");` },
      { file: "server/rcon/protocol/probe.ts", code: `console.log("x");` },
      {
        file: "server/rcon/protocol/source/probe.ts",
        code: `import { EmulatedWorld } from "../../emulators/source/world.ts";`,
      },
    ],
    allowed: [
      { file: "server/rcon/protocol/probe.ts", code: `import { encodePacket } from "./battleye/packet.ts";` },
    ],
  },
  {
    from: "server/rcon/** (rest)",
    forbidden: [
      { file: "server/rcon/probe.ts", code: `import { Server } from "socket.io";` },
      { file: "server/rcon/probe.ts", code: `import { listBans } from "../data/bans.ts";` },
      { file: "server/rcon/probe.ts", code: `import { PrismaClient } from "@prisma/client";` },
      { file: "server/rcon/source/probe.test.ts", code: `import { PrismaClient } from "@prisma/client";` },
      { file: "server/rcon/probe.ts", code: `import { startEmulator } from "./emulators/registry.ts";` },
      {
        file: "server/rcon/source/probe.ts",
        code: `import { startSourceEmulator } from "../emulators/source/emulator.ts";`,
      },
      {
        file: "server/rcon/session/probe.ts",
        code: `import type { RunningEmulator } from "../emulators/types.ts";`,
      },
    ],
    allowed: [
      { file: "server/rcon/probe.ts", code: `import { createSocket } from "node:dgram";` },
      { file: "server/rcon/source/probe.ts", code: `import { findDialect } from "../registry.ts";` },
      {
        file: "server/rcon/source/probe.test.ts",
        code: `import { startEmulator } from "../emulators/registry.ts";`,
      },
      {
        file: "server/rcon/quake3/testing/probe.ts",
        code: `import { startEmulator } from "../../emulators/registry.ts";`,
      },
    ],
  },
  {
    from: "server/rcon/emulators/**",
    forbidden: [
      { file: "server/rcon/emulators/probe.ts", code: `import { listBans } from "../../data/bans.ts";` },
      { file: "server/rcon/emulators/source/probe.ts", code: `import { Server } from "socket.io";` },
    ],
    allowed: [
      { file: "server/rcon/emulators/probe.ts", code: `import { createSocket } from "node:dgram";` },
      {
        file: "server/rcon/emulators/source/probe.ts",
        code: `import { listenTcp } from "../../transport/tcp.ts";`,
      },
      { file: "server/rcon/emulators/probe.ts", code: `import { findDialect } from "../registry.ts";` },
    ],
  },
  {
    from: "server/data/**",
    forbidden: [
      { file: "server/data/probe.ts", code: `import { Server } from "socket.io";` },
      { file: "server/data/probe.ts", code: `import { registry } from "../rcon/registry.ts";` },
    ],
    allowed: [{ file: "server/data/probe.ts", code: `import type { Dialect } from "../rcon/types.ts";` }],
  },
  {
    from: "server/hub/**",
    forbidden: [
      { file: "server/hub/probe.ts", code: `import { Server } from "socket.io";` },
      { file: "server/hub/probe.ts", code: `import { io } from "socket.io-client";` },
      { file: "server/hub/probe.ts", code: `import { startEmulator } from "../rcon/emulators/registry.ts";` },
      {
        file: "server/hub/game-logs/probe.ts",
        code: `import { SessionLog } from "../../rcon/emulators/sessions.ts";`,
      },
    ],
    allowed: [
      { file: "server/hub/probe.ts", code: `import { registry } from "../rcon/registry.ts";` },
      {
        file: "server/hub/probe.ts",
        code: `import type { ConsoleLineMessage } from "../../lib/realtime/contract.ts";`,
      },
      {
        file: "server/hub/probe.test.ts",
        code: `import { startEmulator } from "../rcon/emulators/registry.ts";`,
      },
    ],
  },
  {
    from: "server/demo/**",
    forbidden: [{ file: "server/demo/probe.ts", code: `import { Server } from "socket.io";` }],
    allowed: [
      {
        file: "server/demo/probe.ts",
        code: `import { startEmulator } from "../rcon/emulators/registry.ts";`,
      },
    ],
  },
  {
    from: "server/realtime/**",
    forbidden: [
      {
        file: "server/realtime/probe.ts",
        code: `import { SourceClient } from "../rcon/protocol/source/client.ts";`,
      },
      { file: "server/realtime/probe.ts", code: `import { TcpTransport } from "../rcon/transport/tcp.ts";` },
      {
        file: "server/realtime/handlers/probe.ts",
        code: `import { TcpTransport } from "../../rcon/transport/tcp.ts";`,
      },
    ],
    allowed: [
      { file: "server/realtime/probe.ts", code: `import { Server } from "socket.io";` },
      { file: "server/realtime/probe.ts", code: `import type { Dialect } from "../rcon/types.ts";` },
    ],
  },
  {
    from: "server/operations/**, server/api/**",
    forbidden: [
      { file: "server/operations/probe.ts", code: `import { Server } from "socket.io";` },
      { file: "server/api/probe.ts", code: `import { NextResponse } from "next/server";` },
      { file: "server/api/probe.ts", code: `import { registry } from "../rcon/registry.ts";` },
    ],
    allowed: [
      { file: "server/operations/probe.ts", code: `import type { Dialect } from "../rcon/types.ts";` },
    ],
  },
];

let eslint: ESLint;

async function boundaryErrors(probe: Probe): Promise<string[]> {
  const [result] = await eslint.lintText(probe.code, { filePath: probe.file });
  return (result?.messages ?? [])
    .filter((m) => m.severity === 2 && m.ruleId !== null && BOUNDARY_RULES.has(m.ruleId))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

describe("ARCHITECTURE.md import rules are enforced by ESLint", () => {
  beforeAll(() => {
    eslint = new ESLint({
      cwd: findProjectRoot(),
      overrideConfig: [{ files: ["**/*.ts", "**/*.tsx"], ...tseslint.configs.disableTypeChecked }],
    });
  });

  describe.each(rows)("$from", (row) => {
    it.each(row.forbidden)("reports $code in $file", async (probe) => {
      expect(await boundaryErrors(probe)).not.toEqual([]);
    });
    it.each(row.allowed)("accepts $code in $file", async (probe) => {
      expect(await boundaryErrors(probe)).toEqual([]);
    });
  });
});
