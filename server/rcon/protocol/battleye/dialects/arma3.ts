/** Arma 3: `- BE GUID:` messages, `Disallowed command` under RestrictRCon, RConPort from BEServer_x64.cfg. */
import { createArmaDialect } from "./arma.ts";

export const arma3 = createArmaDialect({
  id: "arma3",
  label: "Arma 3",
  defaultPort: 2306,
  writeBansAfterChange: true,
  extraCommands: [
    { name: "#lock", description: "Lock the server" },
    { name: "#unlock", description: "Unlock the server" },
    { name: "#mission", usage: "#mission <name> [difficulty]", description: "Load a mission" },
    { name: "#restart", description: "Restart the mission" },
    { name: "#reassign", description: "Restart the mission with new roles" },
    { name: "#shutdown", description: "Shut the server down" },
  ],
});
