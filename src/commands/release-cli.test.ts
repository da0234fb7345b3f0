// release and attest as a user types them, without -f: bad input is one line and exit 2,
// never a crash (release without -f once died reading the first compose file of nothing).
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const apex = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ["bin/apex.mjs", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });

describe("release and attest on bad input", () => {
  it("release without -f: a bad --registry is one usage line (exit 2)", () => {
    const r = apex(["release", "--registry", "Not A Registry", "--tag", "v1"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^apex: --registry "Not A Registry" is not host\[:port\]\[\/path\]/)]);
  });

  it("attest: a missing key is one line naming the file (exit 2), before anything else is read", () => {
    const r = apex(["attest", "--from", "nowhere/report.json", "--sign-key", "nowhere/cosign.key", `r.example/apex/api@sha256:${"0".repeat(64)}`], { COSIGN_PASSWORD: "" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/nowhere\/cosign\.key.*cosign private key not found/)]);
  });

  it("attest: no reference at all is a usage error (exit 2)", () => {
    const r = apex(["attest", "--from", "report.json", "--sign-key", "cosign.key"]);
    expect(r.status).toBe(2);
  });
});
