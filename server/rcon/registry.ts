/**
 * The protocol families, loaded lazily so that a CLI call or a test pays only for the family it uses.
 * Each family folder exports `family: ProtocolFamily` from its index.ts.
 */
import { PROTOCOL_IDS, type Dialect, type ProtocolFamily, type ProtocolId } from "./types.ts";

const loaders: Record<ProtocolId, () => Promise<ProtocolFamily>> = {
  source: async () => (await import("./source/index.ts")).family,
  battleye: async () => (await import("./battleye/index.ts")).family,
  quake3: async () => (await import("./quake3/index.ts")).family,
  webrcon: async () => (await import("./webrcon/index.ts")).family,
};

export function isProtocolId(value: string): value is ProtocolId {
  return (PROTOCOL_IDS as readonly string[]).includes(value);
}

export async function loadFamily(protocol: ProtocolId): Promise<ProtocolFamily> {
  return loaders[protocol]();
}

export async function loadAllFamilies(): Promise<ProtocolFamily[]> {
  return Promise.all(PROTOCOL_IDS.map((id) => loaders[id]()));
}

/** Finds a dialect by id within a family, with a message listing the valid ids when it does not exist. */
export function findDialect(family: ProtocolFamily, dialectId: string | undefined): Dialect {
  const id = dialectId ?? family.defaultDialect;
  const dialect =
    family.dialects.find((d) => d.id === id) ?? family.dialects.find((d) => d.aliases?.includes(id));
  if (!dialect) {
    const known = family.dialects.map((d) => d.id).join(", ");
    throw new Error(`unknown game "${id}" for ${family.id}; known: ${known}`);
  }
  return dialect;
}
