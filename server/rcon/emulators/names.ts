/**
 * Player names for emulated game servers: realistic, and deliberately awkward for parsers and UIs
 * (spaces, quotes, brackets, colour codes, Cyrillic, CJK, emoji, very long names).
 */
export const PLAYER_NAMES: readonly string[] = [
  "Sniper_Wolf",
  "xX_DarkLord_Xx",
  "Ivan Petrov",
  "Дмитрий",
  "Ёжик в тумане",
  "李小龙",
  "たけし",
  "Zoë",
  "Björn Järnsida",
  'The "Doctor"',
  "O'Brien",
  "[TAG] Medic",
  "(VIP) Rambo",
  "Player #7",
  "Name: With Colon",
  "semi;colon",
  "🔥 Fire 🔥",
  "José Álvarez",
  "Kowalski",
  "NoScope360",
  "Łukasz",
  "Müller",
  "a",
  "VeryLongPlayerNameThatGoesOnAndOn",
  "Ghost",
  "Medic!",
  "Tank Commander",
  "Σπύρος",
  "محمد",
  "Sarge",
];

/** Names with Quake 3 colour codes for the id Tech 3 emulators. */
export const COLOURED_PLAYER_NAMES: readonly string[] = [
  "^1Red^7Baron",
  "^4Blue^3Thunder",
  "^2Green",
  "Plain",
  "^^77Caret",
  "^5Cyan^7 Space",
];
