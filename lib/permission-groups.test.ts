import { describe, expect, it } from "vitest";
import { PERMISSION_GROUPS, PERMISSION_LABELS } from "./permission-groups.ts";
import { PERMISSIONS } from "./permissions.ts";

describe("the Roles page's permission grid", () => {
  it("shows every permission exactly once, each with an explanation", () => {
    const shown = PERMISSION_GROUPS.flatMap((g) => g.permissions);
    expect([...shown].sort()).toEqual([...PERMISSIONS].sort());
    for (const p of PERMISSIONS) expect(PERMISSION_LABELS[p].length).toBeGreaterThan(5);
  });
});
