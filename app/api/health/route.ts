import { getRuntime } from "@/server/runtime";

/** Liveness and database reachability, for load balancers and the start script. */
export async function GET(): Promise<Response> {
  try {
    await getRuntime().db.user.count();
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false }, { status: 503 });
  }
}
