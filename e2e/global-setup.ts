import { startServer } from "./server-process";

export default async function globalSetup(): Promise<void> {
  const { child } = await startServer(Number(process.env.E2E_PORT ?? 3210));
  child.unref();
}
