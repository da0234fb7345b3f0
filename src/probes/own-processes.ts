// Which of the visible processes are the container's own. With a shared PID namespace
// (pid: host, pid: "service:x") /proc lists the host's or another container's processes
// too; the container's own are those in its cgroup. The reference is the gatherer's own
// cgroup (docker exec joins the container's), or PID 1's for the sidecar, which is a
// container of its own.
import type { ProcFact } from "./facts.ts";

export interface OwnProcesses {
  own: ProcFact[];
  /** Present when processes of other cgroups were visible: the PID namespace is shared. */
  shared?: { cgroup: string; others: number; examples: string[] };
}

/** "12:pids:/docker/ab…" or "0::/…" → hierarchy and path. */
function split(line: string): { hierarchy: string; path: string } | undefined {
  const m = /^(\d+:[^:]*):(.*)$/.exec(line);
  return m ? { hierarchy: m[1]!, path: m[2]! } : undefined;
}

/** The reference cgroup itself or one below it; a path with ".." lies outside the reader's cgroup namespace. */
export function inCgroup(line: string, reference: string): boolean {
  const p = split(line);
  const r = split(reference);
  if (!p || !r || p.hierarchy !== r.hierarchy || /(^|\/)\.\.(\/|$)/.test(p.path)) return false;
  return p.path === r.path || p.path.startsWith(r.path.endsWith("/") ? r.path : `${r.path}/`);
}

/**
 * `all` are the visible processes (the gatherer's own already dropped); `reference` the
 * cgroup line of the container's. Without a reference (cgroup unreadable) all are kept.
 */
export function ownProcesses(all: ProcFact[], reference: string | undefined): OwnProcesses {
  if (!reference) return { own: all };
  const own = all.filter((p) => p.cgroup !== undefined && inCgroup(p.cgroup, reference));
  const others = all.filter((p) => !own.includes(p));
  if (!others.length) return { own };
  return { own, shared: { cgroup: reference, others: others.length, examples: others.slice(0, 3).map((p) => `${p.pid} ${p.name}`) } };
}

/** What the evidence says when the PID namespace is shared. */
export function sharedNote(s: NonNullable<OwnProcesses["shared"]>): string {
  return `PID namespace shared (pid: host, or another container's): ${s.others} process(es) outside this container's cgroup (${s.cgroup}), e.g. ${s.examples.join(", ")}, are not the service's and were not judged`;
}
