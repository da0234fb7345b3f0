import { describe, expect, it } from "vitest";
import type { ResolvedCompose } from "../sources/compose.ts";
import type { CheckResult } from "../types.ts";
import { buildMatrix, extractMatrix, matrixMarkdown, spliceMatrix, MATRIX_BEGIN, MATRIX_END } from "./matrix.ts";

const model: ResolvedCompose = {
  name: "t",
  services: {
    postgres: { user: "999:999", cap_drop: ["ALL"], security_opt: ["no-new-privileges:true"], read_only: true },
    volume_prep: { user: "0:0", cap_drop: ["ALL"], cap_add: ["FOWNER", "CHOWN"] },
  },
};
const pass = (service: string, id: string): CheckResult => ({
  id, service, kind: "runtime", status: "pass", title: id, severity: "high", refs: [], message: "", evidence: [],
});

describe("capability matrix", () => {
  it("derives capabilities from compose and the rationale from exemptions or facts", () => {
    const rows = buildMatrix(model, [{ service: "volume_prep", justification: "Chowns volumes, then exits." }], [
      pass("postgres", "runtime/cap-eff-zero"),
      pass("postgres", "runtime/uid-nonroot"),
    ]);
    expect(rows).toEqual([
      { service: "postgres", capabilities: "cap_drop: [ALL]", rationale: "No capability needed: runs as 999:999, read-only root, no-new-privileges.", verifiedBy: ["runtime/cap-eff-zero"] },
      { service: "volume_prep", capabilities: "cap_drop: [ALL], cap_add: [CHOWN, FOWNER]", rationale: "Chowns volumes, then exits.", verifiedBy: [] },
    ]);
  });

  it("agrees with compose/no-new-privileges on every spelling that turns it on (and off)", () => {
    const row = (opt: string[]) =>
      buildMatrix({ name: "t", services: { api: { user: "1000:1000", cap_drop: ["ALL"], security_opt: opt, read_only: true } } }, [], [])[0]!.rationale;
    for (const on of [["no-new-privileges=true"], ["no-new-privileges"], ["no-new-privileges: true"]]) expect(row(on)).toMatch(/, no-new-privileges\.$/);
    expect(row(["no-new-privileges:true", "no-new-privileges:false"])).toMatch(/new privileges allowed/);
  });

  it("splices into and extracts from a document between its markers", () => {
    const table = matrixMarkdown(buildMatrix(model, [], []));
    const doc = `# Security\n\n${MATRIX_BEGIN}\nold\n${MATRIX_END}\n\nafter\n`;
    const next = spliceMatrix(doc, table);
    expect(extractMatrix(next)).toBe(table);
    expect(next.endsWith("\n\nafter\n")).toBe(true);
    expect(() => spliceMatrix("no markers", table)).toThrow(/markers/);
  });
});
