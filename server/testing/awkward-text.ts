/**
 * Texts that a write path which builds its own SQL or JSON (server/data/sqlite-json-rows.ts) must
 * store exactly as Prisma does: quotes, escapes, multi-byte characters, and text that a JSON or SQL
 * reader could take for a number, an array or null.
 */
export const AWKWARD_TEXTS: readonly string[] = [
  `quotes ' " and \\ backslash`,
  "new\nline\ttab",
  "Ёжик в тумане — José Álvarez 🎮",
  '{"looks":"like json"}',
  "[1,2]",
  "123",
  "null",
  "",
];
