/** DayZ: Arma 3's formats; RConPort usually 2305 in the profile's BattlEye folder; answers only once loaded. */
import { createArmaDialect } from "./arma.ts";

export const dayz = createArmaDialect({
  id: "dayz",
  label: "DayZ",
  defaultPort: 2305,
  writeBansAfterChange: true,
  extraCommands: [
    { name: "#lock", description: "Lock the server" },
    { name: "#unlock", description: "Unlock the server" },
    { name: "#shutdown", description: "Shut the server down" },
  ],
});
