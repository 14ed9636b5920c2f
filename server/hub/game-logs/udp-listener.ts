/** The UDP socket SRCDS sends its log lines to (`logaddress_add ip:port`); the receiver decides. */
import { bindUdp, type UdpServerSocket } from "../../rcon/transport/udp.ts";
import type { Logger } from "../../rcon/types.ts";
import type { GameLogReceiver } from "./receiver.ts";

export async function listenGameLogsUdp(
  receiver: GameLogReceiver,
  host: string,
  port: number,
  logger: Logger,
): Promise<UdpServerSocket> {
  return bindUdp(host, port, {
    onDatagram: ({ bytes, address }) => {
      const refused = receiver.acceptDatagram(address, bytes);
      // The address only: a datagram can carry a secret, never logged.
      if (refused) logger.debug("game log datagram refused", { reason: refused, from: address });
    },
    onError: (error) => logger.warn("game log socket error", { code: error.code ?? null }),
  });
}
