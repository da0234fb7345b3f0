// The service user can write exactly where it is declared to: every declared tmpfs and rw
// volume is writable, and no other mount is (Docker's /dev/shm aside).
import type { ServiceFacts } from "./facts.ts";
import { fail, gatherEvidence, pass, realPath, type Probe } from "./probe-kit.ts";

/** Docker gives every container an IPC /dev/shm (sized by shm_size): writable by design. */
export const PLATFORM_WRITABLE = ["/dev/shm"];

/** Declared writable paths, as the container resolves them. */
export function declaredWritable(f: ServiceFacts): string[] {
  return [
    ...f.declared.tmpfs.filter((t) => t.options.ro !== true).map((t) => t.path),
    ...f.declared.volumes.filter((v) => !v.readOnly && v.type !== "tmpfs").map((v) => v.target),
  ].map((p) => realPath(f, p));
}

export const writablePaths: Probe = {
  meta: {
    id: "runtime/writable-paths",
    kind: "runtime",
    title: "Declared writable paths are writable, nothing else is",
    severity: "medium",
    refs: ["CIS 5.13"],
    remediation: "Declare every path the service writes as a tmpfs or volume owned by the service user; mount everything else read-only.",
  },
  needs: ["writable"],
  evaluate(f) {
    const g = f.gathered!;
    const declared = declaredWritable(f);
    const tests = g.writable!;
    const lines = tests.map((w) => `${w.path} (${w.fstype}): exit ${w.exitCode}${w.error ? ` ${w.error}` : ""}`);
    const problems: string[] = [];
    for (const w of tests)
      if (w.exitCode === 0 && !declared.includes(w.path) && !PLATFORM_WRITABLE.includes(w.path))
        problems.push(`${w.path} is writable but not declared`);
    for (const p of declared) {
      const w = tests.find((t) => t.path === p);
      if (!w) problems.push(`${p} is declared writable but is not a writable mount`);
      else if (w.exitCode !== 0) problems.push(`${p} is declared writable but the write failed: ${w.error}`);
    }
    const ev = [gatherEvidence(g, ["write tests on every rw mount, as the service user:", ...lines], { property: "writable paths", expected: [...declared, ...PLATFORM_WRITABLE].join(", "), actual: tests.filter((w) => w.exitCode === 0).map((w) => w.path).join(", ") })];
    if (problems.length) return fail(problems.join("; "), ev);
    return pass(`writable: ${tests.filter((w) => w.exitCode === 0).map((w) => w.path).join(", ") || "nothing"} (declared: ${declared.join(", ") || "none"})`, ev);
  },
};
