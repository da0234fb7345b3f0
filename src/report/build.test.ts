import { describe, expect, it } from "vitest";
import { serviceLocations } from "../sources/composeRaw.ts";
import type { CheckResult } from "../types.ts";
import { locate } from "./build.ts";

const result = (service: string | null, location?: CheckResult["location"]): CheckResult =>
  ({ id: "runtime/x", kind: "runtime", service, status: "fail", title: "", evidence: [], refs: [], severity: "high", message: "", ...(location ? { location } : {}) }) as CheckResult;

describe("locate", () => {
  const at = serviceLocations(["src/testdata/policy/intact/compose.yaml"], process.cwd());

  it("knows each service's line in the compose file", () => {
    expect(at.api).toEqual({ file: "src/testdata/policy/intact/compose.yaml", line: 14 });
  });

  it("gives a result without a location its service's line, and leaves the others alone", () => {
    const own = { file: "services/api/Dockerfile", line: 3 };
    expect(locate([result("api"), result("api", own), result(null), result("ghost")], at).map((c) => c.location)).toEqual([at.api, own, undefined, undefined]);
  });

  it("a compose file that cannot be read gives no locations (the run reports it elsewhere)", () => {
    expect(serviceLocations(["/nonexistent/compose.yaml"], process.cwd())).toEqual({});
  });
});
