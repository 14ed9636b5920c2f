import { readState } from "./server-process";

/** Stops the server with SIGTERM and checks that it shuts down cleanly within a few seconds. */
export default async function globalTeardown(): Promise<void> {
  let pid: number;
  try {
    pid = readState().pid;
  } catch {
    return; // the server never started; global setup already reported why
  }
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + 6_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return; // exited
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, "SIGKILL");
  throw new Error("the server did not stop within 6 s of SIGTERM");
}
