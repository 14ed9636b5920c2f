/**
 * Arma 2 / Operation Arrowhead: `- GUID: … (unverified)` messages, `(?)` GUIDs, ping -1 and
 * `(Lobby)` rows; the shared parsers read all of them, so only the data differs.
 */
import { createArmaDialect } from "./arma.ts";

export const arma2 = createArmaDialect({
  id: "arma2",
  label: "Arma 2 / Operation Arrowhead",
  defaultPort: 2302,
  writeBansAfterChange: true,
  extraCommands: [
    { name: "#lock", description: "Lock the server" },
    { name: "#unlock", description: "Unlock the server" },
    { name: "#restart", description: "Restart the mission" },
    { name: "#shutdown", description: "Shut the server down" },
  ],
});
