/**
 * One HTTP POST of a text body, for the Source emulator's CS2-style log stream
 * (`logaddress_add_http`). With tcp.ts and udp.ts, the only code in server/rcon that opens sockets.
 * Resolves with the status code; rejects on a network error or after `timeoutMs`.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export function postText(url: string, body: string, timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      target,
      { method: "POST", headers: { "content-type": "text/plain; charset=utf-8" }, timeout: timeoutMs },
      (res) => {
        res.resume(); // the receiver's answer body is not read
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(body);
  });
}
