// apex on other people's repositories: every project under test/corpus/ is a compose
// project written for this test (build contexts, profiles, extends, include, .env
// interpolation, several -f, long-syntax mounts, configs and secrets, anchors, hardened and
// not, and three that compose itself rejects). Each is checked as its owner would run apex,
// from the project's own directory. Only `docker compose config` is needed (client-side: no
// engine, no images, none of them is built), so this is a unit test, not a *.docker.test.ts.
// The projects run concurrently, at most vitest's maxConcurrency (5) at a time.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { Report } from "../types.ts";

const CORPUS = join(process.cwd(), "test/corpus");
const APEX = join(process.cwd(), "bin/apex.mjs");
const out = mkdtempSync(join(tmpdir(), "apex-corpus-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

type Finding = readonly [service: string, id: string];
interface Case {
  args?: string[];
  exit: 0 | 1 | 2;
  /** failures that must be reported, on these services */
  fails?: Finding[];
  /** checks that must not fail there (the neighbour of a finding, a service left out) */
  notFailing?: Finding[];
  waived?: Finding[];
  /** services that must not be in the report at all */
  absent?: string[];
  /** exit 2: the one line on stderr */
  rejected?: RegExp;
}

const CASES: Record<string, Case> = {
  // its exemptions.yaml accepts the one published port (CIS 5.9)
  "hardened-image": { exit: 0, waived: [["web", "compose/ports-accepted"]], notFailing: [["web", "compose/core-dumps-off"]] },
  "hardened-build": { exit: 0, notFailing: [["api", "dockerfile/user-non-root"], ["api", "dockerfile/copy-chown"]] },
  "bare-image": { exit: 1, fails: [["web", "compose/cap-drop-all"], ["web", "compose/read-only-rootfs"], ["web", "compose/ports-bound-to-interface"], ["web", "compose/anchor-merged"], ["web", "compose/core-dumps-off"], ["web", "compose/ports-accepted"]] },
  "build-root-user": { exit: 1, fails: [["app", "dockerfile/user-non-root"], ["app", "compose/user-matches-image"]], notFailing: [["app", "compose/cap-drop-all"]] },
  profiles: { exit: 0, absent: ["debug"] },
  "profiles-enabled": { args: ["--profile", "debug"], exit: 1, fails: [["debug", "compose/no-privileged"], ["debug", "compose/cap-drop-all"]], notFailing: [["web", "compose/no-privileged"]] },
  extends: { exit: 1, fails: [["worker", "compose/no-privileged"]], notFailing: [["api", "compose/no-privileged"], ["api", "compose/cap-drop-all"], ["worker", "compose/read-only-rootfs"]] },
  // its exemptions.yaml waives a check of the included service
  include: { exit: 1, fails: [["db", "compose/cap-drop-all"]], waived: [["db", "compose/read-only-rootfs"]], notFailing: [["web", "compose/cap-drop-all"]] },
  "env-interpolation": { exit: 1, fails: [["api", "compose/read-only-rootfs"]], notFailing: [["api", "compose/tmpfs-owner"], ["api", "compose/user-matches-image"]] },
  "multi-file": { args: ["-f", "compose.debug.yaml"], exit: 1, fails: [["api", "compose/no-docker-socket"]], notFailing: [["api", "compose/cap-drop-all"]] },
  "long-volumes": { exit: 1, fails: [["api", "compose/tmpfs-owner"], ["api", "compose/no-sensitive-host-paths"]], notFailing: [["api", "compose/read-only-rootfs"]] },
  "configs-secrets": { exit: 1, fails: [["worker", "compose/no-secrets-in-env"]], notFailing: [["api", "compose/no-secrets-in-env"], ["api", "compose/files-stay-in-repo"]] },
  "anchor-list-replaced": { exit: 1, fails: [["worker", "compose/anchor-list-replaced"], ["worker", "compose/no-new-privileges"]], notFailing: [["api", "compose/anchor-list-replaced"]] },
  "mixed-images": { exit: 1, fails: [["queue", "compose/cap-drop-all"], ["admin", "compose/no-host-namespaces"]], notFailing: [["cache", "compose/cap-drop-all"], ["queue", "compose/restart-policy"], ["cache", "compose/no-host-namespaces"]] },
  "cap-add": { exit: 1, fails: [["proxy", "compose/cap-add-justified"]] },
  "cap-add-exempted": { exit: 0, waived: [["proxy", "compose/cap-add-justified"]] },
  "host-namespaces": { exit: 1, fails: [["agent", "compose/no-host-namespaces"], ["agent", "compose/no-devices"]] },
  ports: { exit: 1, fails: [["web", "compose/ports-bound-to-interface"], ["admin", "compose/no-privileged-ports"], ["web", "compose/ports-accepted"], ["admin", "compose/ports-accepted"]], notFailing: [["admin", "compose/ports-bound-to-interface"], ["web", "compose/no-privileged-ports"]] },
  "multi-stage": { exit: 1, fails: [["api", "dockerfile/user-non-root"], ["api", "dockerfile/copy-not-add"]] },
  "env-file-inline": { exit: 1, fails: [["tool", "dockerfile/user-non-root"]], notFailing: [["tool", "compose/no-secrets-in-env"]] },
  "seccomp-tmpfs": { exit: 1, fails: [["api", "compose/seccomp-confined"], ["api", "compose/tmpfs-options"]], notFailing: [["api", "compose/tmpfs-owner"]] },
  "rejected-unknown-key": { exit: 2, rejected: /^apex: compose\.yaml: invalid compose configuration: .*Additional property imagee is not allowed$/ },
  "rejected-required-var": { exit: 2, rejected: /^apex: compose\.yaml: invalid compose configuration: .*required variable REGISTRY is missing a value/ },
  "rejected-missing-env-file": { exit: 2, rejected: /^apex: compose\.yaml: invalid compose configuration: env file .*missing\.env not found/ },
};

const run = promisify(execFile);
async function apexPolicy(project: string, args: string[] = []) {
  const dir = join(out, project);
  const argv = [APEX, "policy", "-f", "compose.yaml", ...args, "--format", "json", "--out", dir];
  const r = await run(process.execPath, argv, { cwd: join(CORPUS, project), timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } }).then(
    (ok) => ({ code: 0, ...ok }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, dir };
}

const statusOf = (report: Report, [service, id]: Finding) => report.checks.find((c) => c.service === service && c.id === id)?.status;

describe("apex policy on the corpus", () => {
  it("covers every project in test/corpus, and at least 20 of them", () => {
    expect(readdirSync(CORPUS).sort()).toEqual(Object.keys(CASES).sort());
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(20);
  });

  it.concurrent.each(Object.entries(CASES))("%s", async (project, c) => {
    const r = await apexPolicy(project, c.args);
    expect(r.stderr).not.toMatch(/^\s+at |Error:/m); // never a stack trace
    expect(r.code, r.stderr).toBe(c.exit);
    if (c.exit === 2) {
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(c.rejected!);
      expect(r.stdout).toBe("");
      return;
    }
    expect(r.stderr).toBe("");
    const report = JSON.parse(readFileSync(join(r.dir, "report.json"), "utf8")) as Report;
    expect(report.status).toBe(c.exit === 0 ? "pass" : "fail");
    for (const f of c.fails ?? []) expect(statusOf(report, f), f.join(" ")).toBe("fail");
    for (const f of c.waived ?? []) expect(statusOf(report, f), f.join(" ")).toBe("waived");
    for (const f of c.notFailing ?? []) expect(["pass", "skip"], f.join(" ")).toContain(statusOf(report, f));
    for (const s of c.absent ?? []) expect(report.checks.some((x) => x.service === s), s).toBe(false);
  }, 60_000);
});
