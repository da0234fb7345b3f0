// Reports carry repository-relative paths only: the machine that ran apex is nobody's business.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { renderers } from "./index.ts";
import { serviceLocations } from "../sources/composeRaw.ts";
import type { CheckResult } from "../types.ts";
import { buildReport, locate } from "./build.ts";

const checkout = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();

describe("buildReport", () => {
  const report = buildReport({
    command: "verify",
    startedAt: new Date("2026-11-23T12:00:00Z"),
    composeFiles: [`${checkout}/infra/compose.yaml`],
    phases: [{ name: "up", status: "fail", durationMs: 10, note: `compose failed in ${checkout}/infra` }],
    checks: [
      {
        id: "runtime/read-only-root", kind: "runtime", service: "api", status: "fail", title: "Read-only root", severity: "high", refs: [],
        message: `write to ${checkout}/infra/x succeeded`,
        location: { file: `${checkout}/infra/compose.yaml`, line: 7 },
        evidence: [{ command: ["docker", "compose", "-f", `${checkout}/infra/compose.yaml`, "exec", "api", "touch", "/x"], exitCode: 0, output: `${checkout}/infra/compose.yaml: ok`, location: { file: `${checkout}/services/api/Dockerfile`, line: 3 } }],
      },
      { id: "runtime/elsewhere", kind: "runtime", service: "api", status: "pass", title: "t", severity: "low", refs: [], message: "read /etc/passwd", evidence: [{ output: "/proc/1/status" }] },
    ],
  });

  it("relativises every absolute path of the checkout, so no rendering shows it", () => {
    expect(checkout.startsWith("/")).toBe(true);
    for (const [format, render] of Object.entries(renderers)) expect(render(report), format).not.toContain(checkout);
    expect(report.composeFiles).toEqual(["infra/compose.yaml"]);
    expect(report.checks[0].location).toEqual({ file: "infra/compose.yaml", line: 7 });
    expect(report.checks[0].evidence[0].command).toContain("infra/compose.yaml");
    expect(report.checks[0].evidence[0].location?.file).toBe("services/api/Dockerfile");
    expect(report.phases[0].note).toBe("compose failed in infra");
  });
  it("keeps paths outside the repository as they are", () => {
    expect(report.checks[1].message).toBe("read /etc/passwd");
    expect(report.checks[1].evidence[0].output).toBe("/proc/1/status");
  });
});

const result = (service: string | null, location?: CheckResult["location"]): CheckResult =>
  ({ id: "runtime/x", kind: "runtime", service, status: "fail", title: "", evidence: [], refs: [], severity: "high", message: "", ...(location ? { location } : {}) }) as CheckResult;

describe("locate", () => {
  const at = serviceLocations(["src/testdata/policy/intact/compose.yaml"], process.cwd());

  it("knows each service's line in the compose file", () => {
    expect(at.api).toEqual({ file: "src/testdata/policy/intact/compose.yaml", line: 15 });
  });

  it("gives a result without a location its service's line, and leaves the others alone", () => {
    const own = { file: "services/api/Dockerfile", line: 3 };
    expect(locate([result("api"), result("api", own), result(null), result("ghost")], at).map((c) => c.location)).toEqual([at.api, own, undefined, undefined]);
  });

  it("a compose file that cannot be read gives no locations (the run reports it elsewhere)", () => {
    expect(serviceLocations(["/nonexistent/compose.yaml"], process.cwd())).toEqual({});
  });
});
