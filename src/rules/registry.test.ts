// Catalogue-wide checks (trivy-checks style): ids unique and well-formed, every rule
// documented (title, severity, refs, remediation) so SARIF and the docs can use it.
import { describe, expect, it } from "vitest";
import { rules } from "./registry.ts";

describe("rule registry", () => {
  it("has no duplicate ids or aliases", () => {
    const ids = rules.flatMap((r) => [r.id, ...(r.aliases ?? [])]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
  it.each(rules.map((r) => [r.id, r] as const))("%s is documented", (id, r) => {
    expect(id).toMatch(/^(compose|dockerfile|image)\/[a-z0-9-]+$/);
    expect(r.kind).toBe("static");
    expect(r.title.trim().length).toBeGreaterThan(5);
    expect(["critical", "high", "medium", "low"]).toContain(r.severity);
    expect(r.refs.length).toBeGreaterThan(0);
    for (const ref of r.refs) expect(ref).toMatch(/^(CIS \d\.\d+|hadolint (DL\d{4}|#\d+)|Trivy DS-\d{4}|Checkov CKV_DOCKER_\d+|compose-spec .+)$/);
    expect(r.remediation.trim().length).toBeGreaterThan(10);
    expect(typeof r.check).toBe("function");
  });
  it("covers the checks catalogue's references", () => {
    const refs = new Set(rules.flatMap((r) => r.refs));
    const catalogue = ["hadolint DL3002", "hadolint DL3066", "Trivy DS-0002", "Checkov CKV_DOCKER_3", "Checkov CKV_DOCKER_8", "CIS 4.1", "hadolint DL3046", "hadolint DL3000", "hadolint DL3020", "CIS 4.9", "hadolint DL3004", "Trivy DS-0031", "CIS 4.10", "CIS 4.8", "hadolint DL3057", "Trivy DS-0026", "CIS 4.6", "CIS 5.4", "CIS 5.5", "CIS 5.26", "CIS 5.22", "CIS 5.13", "CIS 5.29", "CIS 5.11", "CIS 5.12", "CIS 5.27", "CIS 5.15", "CIS 5.10", "CIS 5.16", "CIS 5.17", "CIS 5.21", "CIS 5.32", "CIS 5.6", "CIS 5.14", "CIS 5.8"];
    expect(catalogue.filter((c) => !refs.has(c))).toEqual([]);
  });
});
