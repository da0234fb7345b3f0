// The catalogue as a whole (trivy-checks style): ids unique and permanent, every check
// documented, and every check shown able to fail by a fixture that a test breaks it with.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CATALOGUE, canonicalId, findCheck, selection } from "./catalogue.ts";
import { FAILING_FIXTURES } from "./catalogue.fixtures.ts";
import { UsageError } from "./errors.ts";

describe("catalogue", () => {
  it("has no duplicate id or alias, and every id is kind-prefixed", () => {
    const names = CATALOGUE.flatMap((c) => [c.id, ...(c.aliases ?? [])]);
    expect(names.length).toBe(new Set(names).size);
    for (const c of CATALOGUE) expect(c.id).toMatch(/^(compose|dockerfile|image|runtime|database|workflow|stack)\/[a-z0-9-]+$/);
  });

  it("documents every check: title, severity, refs and remediation", () => {
    const undocumented = CATALOGUE.filter((c) => !c.title || !c.severity || c.refs.length === 0 || !c.remediation.trim()).map((c) => c.id);
    expect(undocumented).toEqual([]);
  });

  it("lists every check with a failing fixture, and the test that breaks it names both", () => {
    const missing = CATALOGUE.filter((c) => !FAILING_FIXTURES[c.id]).map((c) => c.id);
    expect(missing).toEqual([]);
    const stale = Object.keys(FAILING_FIXTURES).filter((id) => !findCheck(id));
    expect(stale).toEqual([]);
    for (const [id, { test, fixture, case: name }] of Object.entries(FAILING_FIXTURES)) {
      expect(existsSync(fixture), `${id}: fixture ${fixture}`).toBe(true);
      const text = readFileSync(test, "utf8");
      expect(text.includes(name), `${test} never uses the case "${name}" of ${id}`).toBe(true);
    }
  });

  it("resolves aliases and refuses unknown names in --skip/--only", () => {
    expect(canonicalId("runtime/no-docker-sock")).toBe("runtime/no-docker-socket");
    expect(selection(["runtime/no-docker-sock"], []).only).toEqual(new Set(["runtime/no-docker-socket"]));
    expect(selection([], ["runtime/healthy,compose/cap-drop-all"]).skip).toEqual(new Set(["runtime/healthy", "compose/cap-drop-all"]));
    expect(() => selection([], ["runtime/helthy"])).toThrow(UsageError);
  });
});
