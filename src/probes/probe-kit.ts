// What every probe file builds on: the Probe shape, outcome helpers and the small shared
// interpretations of facts (declared user, capability names). Pure; no Docker here.
import type { CheckMeta, Evidence } from "../types.ts";
import type { GatheredFacts, ProcFact, ServiceFacts } from "./facts.ts";
import { sharedNote } from "./own-processes.ts";

export type Section = "self" | "procs" | "mountinfo" | "rootwrite" | "writable" | "stat" | "app" | "perms" | "cgroup" | "sock" | "listen" | "limits" | "apparmor";

export interface Outcome {
  status: "pass" | "fail" | "skip";
  message: string;
  evidence: Evidence[];
}

export interface Probe {
  meta: CheckMeta & { kind: "runtime" };
  /** Gathered sections this probe cannot judge without; missing ones make it skip. */
  needs: Section[];
  evaluate(f: ServiceFacts): Outcome;
}

export const pass = (message: string, evidence: Evidence[] = []): Outcome => ({ status: "pass", message, evidence });
export const fail = (message: string, evidence: Evidence[] = []): Outcome => ({ status: "fail", message, evidence });
export const skip = (message: string, evidence: Evidence[] = []): Outcome => ({ status: "skip", message, evidence });

/** Evidence pointing at the gather run: its argv, exit code and the raw lines judged. */
export function gatherEvidence(g: GatheredFacts, output: string[] | string, extra: Partial<Evidence> = {}): Evidence {
  return { command: g.command, exitCode: g.exitCode, output: Array.isArray(output) ? output.join("\n") : output, ...extra };
}

export function procEvidence(g: GatheredFacts, p: ProcFact, keys: string[], extra: Partial<Evidence> = {}): Evidence {
  const lines = p.lines.filter((l) => keys.some((k) => l.startsWith(k + ":")));
  // a shared PID namespace is said wherever a process is shown: the others were left out
  const shared = g.sharedPidNamespace && sharedNote(g.sharedPidNamespace);
  const note = [extra.note, shared].filter(Boolean).join("; ") || undefined;
  return gatherEvidence(g, [`/proc/${p.pid}/status (${p.name})`, ...lines], { ...extra, ...(note ? { note } : {}) });
}

// Linux capability numbers (include/uapi/linux/capability.h).
export const CAPS = [
  "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
  "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
  "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
  "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
  "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
  "CHECKPOINT_RESTORE",
] as const;

export function capNames(mask: bigint): string[] {
  const out: string[] = [];
  for (let i = 0; i < 64; i++) if ((mask >> BigInt(i)) & 1n) out.push(CAPS[i] ?? `cap_${i}`);
  return out;
}

export function capMask(names: string[]): bigint {
  let m = 0n;
  for (const n of names) {
    if (n === "ALL") return (1n << 64n) - 1n;
    const i = CAPS.indexOf(n as (typeof CAPS)[number]);
    if (i >= 0) m |= 1n << BigInt(i);
  }
  return m;
}

export interface DeclaredUser {
  text: string; // Config.User as docker applies it ("" = image default root)
  uid?: number; // numeric when known (given, or resolved by docker exec as the default user)
  gid?: number;
  root: boolean;
}

/**
 * The user the service is declared to run as: Config.User (compose `user:` overrides the
 * image USER there). A name is resolved through what docker exec ran as (the default user).
 */
export function declaredUser(f: ServiceFacts): DeclaredUser {
  const text = f.inspect.configUser ?? "";
  const [u, g] = text.split(":");
  let uid = /^\d+$/.test(u ?? "") ? Number(u) : undefined;
  let gid = g !== undefined && /^\d+$/.test(g) ? Number(g) : undefined;
  const cu = f.gathered?.checkUser;
  if (text === "" || u === "root") uid = 0;
  if (uid === undefined && cu && /^\d+$/.test(cu.uid) && f.gathered?.mode === "exec") uid = Number(cu.uid);
  if (gid === undefined && cu && /^\d+$/.test(cu.gid) && f.gathered?.mode === "exec") gid = Number(cu.gid);
  return { text, uid, gid, root: uid === 0 };
}

/** Where a declared path really is inside the container (/var/run/x is mounted at /run/x). */
export const realPath = (f: ServiceFacts, p: string): string => f.gathered?.resolved?.[p] ?? p;

export const fmtUser = (d: DeclaredUser) => `${d.uid ?? "?"}:${d.gid ?? "?"}`;
