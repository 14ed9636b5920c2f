import { execFileSync } from "node:child_process";
import { startServer } from "./server-process";

export default async function globalSetup(): Promise<void> {
  const { child, state } = await startServer(Number(process.env.E2E_PORT ?? 3210));
  child.unref();
  console.log(`e2e server: ${state.baseURL} on Node ${state.nodeVersion}`);
  // A smoke on another runtime (E2E_SERVER_NODE) must really have run there.
  const other = process.env.E2E_SERVER_NODE;
  if (!other) return;
  const wanted = execFileSync(other, ["--version"], { encoding: "utf8" }).trim();
  if (state.nodeVersion !== wanted) {
    child.kill();
    throw new Error(`the e2e server runs on Node ${state.nodeVersion}, expected ${wanted} (E2E_SERVER_NODE)`);
  }
}
