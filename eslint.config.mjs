// ESLint flat config: Next's rules, typescript-eslint type-checked rules, and the import
// boundaries of ARCHITECTURE.md (which layer may import which).
import nextVitals from "eslint-config-next/core-web-vitals";
import tseslint from "typescript-eslint";

const nodeBuiltins = ["node:*", "fs", "net", "dgram", "http", "crypto", "path", "os", "child_process"];

// Emulated game servers (server/rcon/emulators/) are for tests, demo mode, the CLI and the benchmarks:
// the connection engine and the hub never load them, not even their types.
const noEmulators = {
  group: ["**/emulators", "**/emulators/**"],
  message:
    "Production engine code never loads emulators; tests, demo, CLI and benchmarks use server/rcon/emulators/registry.ts.",
};
const engineOnly = {
  group: ["socket.io*", "@prisma/*", "**/server/db*", "**/data/**", "**/realtime/**"],
  message: "The RCON engine knows nothing of the database or browsers.",
};
const noSocketIo = {
  group: ["socket.io", "socket.io/*", "socket.io-client", "@socket.io/*"],
  message: "The hub emits events; server/realtime/bridge.ts turns them into socket.io messages.",
};

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "dist/**",
      "coverage/**",
      "prisma/generated/**",
      "playwright-report/**",
      "test-results/**",
      "next-env.d.ts",
      "bin/**",
      ".tmp/**",
    ],
  },
  ...nextVitals,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "import/no-anonymous-default-export": "off",
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
  // --- import boundaries -------------------------------------------------------------------
  {
    files: ["server/rcon/protocol/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: nodeBuiltins, message: "Protocol cores are Sans-IO: no Node built-ins." },
            {
              group: [
                "**/transport/**",
                "**/connection*",
                "**/data/**",
                "**/realtime/**",
                "socket.io*",
                "@prisma/*",
                "**/db*",
              ],
              message: "Protocol cores are pure: bytes in, events out.",
            },
            noEmulators,
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "setTimeout", message: "Time is an input: take `now` and expose deadlines." },
        { name: "setInterval", message: "Time is an input: take `now` and expose deadlines." },
        { name: "Buffer", message: "Work in Uint8Array; Buffer is Node-only." },
        { name: "process", message: "Protocol cores do not read the environment." },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "Time is an input: pass `now` in." },
      ],
      "no-console": "error",
    },
  },
  {
    // The engine's production code: connections, sessions, transports, the family registry.
    files: ["server/rcon/**/*.ts"],
    ignores: ["server/rcon/protocol/**", "server/rcon/emulators/**", "**/*.test.ts", "**/testing/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [engineOnly, noEmulators] }] },
  },
  {
    // The emulators and the engine's tests may use each other, still without database or browsers.
    files: ["server/rcon/emulators/**/*.ts", "server/rcon/**/*.test.ts", "server/rcon/**/testing/**/*.ts"],
    ignores: ["server/rcon/protocol/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [engineOnly] }] },
  },
  {
    files: ["lib/**/*.ts", "lib/**/*.tsx"],
    ignores: ["lib/realtime/client.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [...nodeBuiltins, "next/*", "@prisma/*", "socket.io*", "react", "react-dom"],
              message: "lib/ is isomorphic and framework-free.",
            },
            {
              group: ["**/app/**", "**/components/**", "**/server/**", "@/*"],
              message: "lib/ imports only lib/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["components/**/*.ts", "components/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: nodeBuiltins, message: "Components run in the browser." },
            {
              group: ["@prisma/*", "**/server/**"],
              message: "Components reach the server only through props, actions and the socket contract.",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.ts", "app/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/server/rcon/**", "**/server/db*", "@prisma/*", "**/prisma/generated/**"],
              message: "Pages go through server/data (permission-checked) and server/runtime.",
              allowTypeImports: true,
            },
            // Deliberate: route handlers reach the REST API (server/api) and the shared operations
            // (server/operations); the hub, sockets and the cluster only through server/runtime.
            {
              group: [
                "@/server/hub/**",
                "@/server/realtime/**",
                "@/server/cluster/**",
                "@/server/rcon/**",
                "@/server/db/**",
              ],
              message: "app/ may import server/{data,auth,runtime,env,operations,api} only.",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ["server/data/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["socket.io*", "**/rcon/**", "**/realtime/**"],
              message: "The data layer knows nothing of RCON or sockets; callers orchestrate.",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // The hub emits events; only the bridge in server/realtime turns them into socket.io messages.
    // It connects to game servers, real or demo, and never starts an emulator itself.
    files: ["server/hub/**/*.ts"],
    ignores: ["**/*.test.ts", "**/testing/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [noSocketIo, noEmulators] }] },
  },
  {
    // Demo mode starts the emulators (through their registry) and hands the hub their addresses;
    // the hub's test helpers may start them too.
    files: ["server/demo/**/*.ts", "server/hub/**/testing/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [noSocketIo] }] },
  },
  {
    // Sockets reach game servers through the hub, never a protocol core or a socket of their own.
    files: ["server/realtime/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/rcon/protocol/**", "**/rcon/transport/**"],
              message:
                "server/realtime reaches game servers through the hub, not the protocol cores or transports.",
            },
          ],
        },
      ],
    },
  },
  {
    // Transport-neutral operations (socket events and the REST API call the same code) and the REST
    // API itself: no transport of their own (socket.io, Next), no protocol engine at run time.
    files: ["server/operations/**/*.ts", "server/api/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["socket.io*", "**/realtime/io*", "**/realtime/handlers/**", "next", "next/*"],
              message:
                "Operations and the REST API are transport-neutral: the socket handlers and app/api/v1 call them.",
            },
            {
              group: ["**/rcon/**", "@prisma/*"],
              message: "Reach game servers through the hub port, the database through server/data.",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // CONTRIBUTING: time is an input. The hub and the cluster read time only through their clocks
    // (server/hub/clock.ts, the lease manager's), so tests control it.
    files: ["server/hub/**/*.ts", "server/cluster/**/*.ts"],
    ignores: ["**/*.test.ts", "**/testing/**", "server/hub/clock.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "Read time from the injected clock (clock.wall() / clock.now()).",
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "Read time from the injected clock: new Date(clock.wall()).",
        },
        {
          selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']",
          message: "Read time from the injected clock.",
        },
      ],
    },
  },
);
