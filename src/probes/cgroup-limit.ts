// Shared judgement of the pids and memory probes: the limit as the kernel applies it
// (cgroup v1 or v2 files), against the declared compose value and the docker inspect view.
import type { ServiceFacts } from "./facts.ts";
import { fail, gatherEvidence, pass, type Outcome } from "./probe-kit.ts";

// cgroup v1 reports "no memory limit" as a huge page-aligned number.
const UNLIMITED_V1 = 2 ** 62;

export function judgeLimit(f: ServiceFacts, what: "pids" | "memory"): Outcome {
  const g = f.gathered!;
  const cg = g.cgroup!;
  const v1 = what === "pids" ? "pids/pids.max" : "memory/memory.limit_in_bytes";
  const v2 = what === "pids" ? "pids.max" : "memory.max";
  const key = cg[v1] !== undefined ? v1 : cg[v2] !== undefined ? v2 : undefined;
  const declared = what === "pids" ? f.declared.pidsLimit : f.declared.memLimit;
  const inspected = what === "pids" ? f.inspect.pidsLimit : f.inspect.memory;
  const lines = [...Object.entries(cg).map(([k, v]) => `/sys/fs/cgroup/${k}: ${v}`), ...(g.cgroupLines ?? []).map((l) => `/proc/1/cgroup: ${l}`)];
  if (!key) return fail(`no ${what} cgroup file readable (looked for ${v1} and ${v2})`, [gatherEvidence(g, lines)]);
  const raw = cg[key];
  const value = raw === "max" || Number(raw) >= UNLIMITED_V1 ? undefined : Number(raw);
  const ev = [gatherEvidence(g, lines, { property: `/sys/fs/cgroup/${key} (cgroup ${key === v1 ? "v1" : "v2"})`, expected: declared !== undefined ? String(declared) : "a limit", actual: raw, note: `docker inspect: ${what === "pids" ? "PidsLimit" : "Memory"}=${inspected ?? "unset"}` })];
  if (value === undefined) return fail(`no ${what} limit in effect (${key} = ${raw})`, ev);
  if (declared !== undefined && value !== declared) return fail(`${what} limit ${value} in effect, declared ${declared}`, ev);
  return pass(`${what} limit ${value} in effect${declared !== undefined ? " as declared" : " (not declared in compose)"}`, ev);
}
