// Pure parsers: gather-script output, /proc lines, mountinfo, compose and inspect into facts.
import type { AppArmorFact, FindFact, GatheredFacts, ListenFact, MountFact, ProcFact, StatFact, WriteFact } from "./facts.ts";
import type { GatherMode } from "./script.ts";
import { ownProcesses } from "./own-processes.ts";
import { SECTION_PREFIX } from "./script.ts";

export function splitSections(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const line of stdout.split("\n")) {
    if (line.startsWith(SECTION_PREFIX)) {
      cur = [];
      out.set(line.slice(SECTION_PREFIX.length).trim(), cur);
    } else if (cur && line !== "") cur.push(line);
  }
  return out;
}

const nums = (s: string) => s.trim().split(/\s+/).filter(Boolean).map(Number);
const hex = (s: string) => BigInt("0x" + s.trim());

/**
 * "<pid> <Key>:\t<value>" or grep's "/proc/<pid>/status:<Key>:\t<value>" lines into
 * processes; drops the gatherer itself and its children.
 */
export function parseProcs(lines: string[], selfPid?: number): ProcFact[] {
  const byPid = new Map<number, ProcFact>();
  const entry = (pid: number) => {
    let p = byPid.get(pid);
    if (!p) byPid.set(pid, (p = { pid, ppid: -1, name: "", uid: [], gid: [], groups: [], caps: {}, lines: [] }));
    return p;
  };
  for (const line of lines) {
    // grep's "/proc/<pid>/cgroup:<line>" or the builtins' "<pid> cgroup <line>"
    const cg = /^(?:\/proc\/)?(\d+)(?:\/cgroup:| cgroup )(\d+:.*)$/.exec(line);
    if (cg) {
      // hybrid v1 hosts print both: the pids hierarchy is the one docker always sets
      const p = entry(Number(cg[1]));
      if (!p.cgroup || /^\d+:([^:]*,)?pids[,:]/.test(cg[2]!)) p.cgroup = cg[2];
      continue;
    }
    const m = /^(?:\/proc\/)?(\d+)(?:\/status:| )([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const p = entry(Number(m[1]));
    const [, , key, val] = m;
    p.lines.push(`${key}:\t${val}`);
    switch (key) {
      case "Name": p.name = val; break;
      case "PPid": p.ppid = Number(val); break;
      case "Uid": p.uid = nums(val); break;
      case "Gid": p.gid = nums(val); break;
      case "Groups": p.groups = nums(val); break;
      case "CapInh": p.caps.inh = hex(val); break;
      case "CapPrm": p.caps.prm = hex(val); break;
      case "CapEff": p.caps.eff = hex(val); break;
      case "CapBnd": p.caps.bnd = hex(val); break;
      case "CapAmb": p.caps.amb = hex(val); break;
      case "NoNewPrivs": p.noNewPrivs = Number(val); break;
      case "Seccomp": p.seccomp = Number(val); break;
    }
  }
  // Drop processes that vanished mid-read, and runc's init for a concurrent docker exec
  // (a healthcheck being started): it has not applied the exec's settings yet.
  const procs = [...byPid.values()].filter((p) => p.uid.length > 0 && !/^runc:\[\d:INIT\]$/.test(p.name));
  if (selfPid === undefined) return procs;
  // A process belongs to the gatherer when its parent chain reaches the gatherer's pid.
  const mine = (p: ProcFact): boolean => {
    for (let cur: ProcFact | undefined = p, hops = 0; cur && hops < 64; hops++) {
      if (cur.pid === selfPid) return true;
      cur = byPid.get(cur.ppid);
    }
    return false;
  };
  return procs.filter((p) => !mine(p)).sort((a, b) => a.pid - b.pid);
}

/** proc(5) mountinfo; octal escapes (\040) in paths decoded. */
export function parseMountinfo(lines: string[]): MountFact[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
  const out: MountFact[] = [];
  for (const line of lines) {
    const [left, right] = line.split(" - ");
    if (right === undefined) continue;
    const l = left.split(" ");
    const r = right.split(" ");
    if (l.length < 6) continue;
    out.push({
      mountPoint: unescape(l[4]),
      options: l[5].split(","),
      fstype: r[0],
      source: r[1] ?? "",
      superOptions: (r[2] ?? "").split(",").filter(Boolean),
      line,
    });
  }
  return out;
}

const stripRoot = (p: string) => (p.startsWith("/proc/1/root/") ? p.slice("/proc/1/root".length) : p === "/proc/1/root" ? "/" : p);

function parseFind(lines: string[], matches: RegExp, cap = 300): FindFact {
  const f: FindFact = { lines: [], errors: [], truncated: lines.length >= cap };
  for (const l of lines) {
    const t = /^total (\d+)$/.exec(l);
    if (t) f.total = Number(t[1]);
    else if (matches.test(l)) f.lines.push(l.replace(/ \/proc\/1\/root(\/|$)/, " /"));
    else f.errors.push(l.replace(/\/proc\/1\/root(\/|')/g, "$1"));
  }
  f.truncated = f.lines.length + f.errors.length >= cap;
  return f;
}

export function parseGather(
  stdout: string,
  meta: { mode: GatherMode; command: string[]; exitCode: number; stderr: string; /** docker inspect says the PID namespace is the container's own: every visible process is its */ ownPidNamespace?: boolean },
): GatheredFacts {
  const s = splitSections(stdout);
  const { ownPidNamespace, ...run } = meta;
  const g: GatheredFacts = { ...run, unavailable: {}, complete: s.has("end") };
  const unavailable = (name: string, lines: string[] | undefined): boolean => {
    if (!lines) {
      g.unavailable[name] = g.complete ? "section missing from gather output" : `gather output ended early (exit ${meta.exitCode}): ${meta.stderr.trim().split("\n").pop() ?? ""}`;
      return true;
    }
    const u = lines.find((l) => l.startsWith("unavailable "));
    if (u) g.unavailable[name] = u.slice("unavailable ".length);
    return !!u;
  };

  const self = s.get("self");
  if (!unavailable("self", self) && self) {
    const pid = self.find((l) => l.startsWith("pid "));
    if (pid) g.selfPid = Number(pid.slice(4));
    const st = self.filter((l) => /^(Uid|Gid|Groups):/.test(l));
    g.self = {
      uid: nums(st.find((l) => l.startsWith("Uid:"))?.slice(4) ?? ""),
      gid: nums(st.find((l) => l.startsWith("Gid:"))?.slice(4) ?? ""),
      lines: st,
    };
    const cu = self.find((l) => l.startsWith("check-user "))?.split(" ");
    if (cu && cu[1]) g.checkUser = { uid: cu[1], gid: cu[2] ?? "" };
  }
  const res = s.get("resolve");
  if (res) g.resolved = Object.fromEntries(res.map((l) => l.split("\t")).filter((x) => x.length === 2));
  const procs = s.get("procs");
  if (!unavailable("procs", procs) && procs) {
    // exec joins the container's cgroup; the sidecar is a container of its own, PID 1 is the target's
    const anchor = meta.mode === "exec" ? g.selfPid : 1;
    const reference = ownPidNamespace ? undefined : parseProcs(procs).find((p) => p.pid === anchor)?.cgroup;
    const { own, shared } = ownProcesses(parseProcs(procs, g.selfPid), reference);
    g.procs = own;
    if (shared) g.sharedPidNamespace = shared;
  }
  const mi = s.get("mountinfo");
  if (!unavailable("mountinfo", mi) && mi) {
    g.mounts = parseMountinfo(mi);
    if (g.mounts.length === 0) g.unavailable.mountinfo = "/proc/1/mountinfo unreadable";
  }
  const rw = s.get("rootwrite");
  if (!unavailable("rootwrite", rw) && rw) {
    const rc = /^rc (\d+)$/.exec(rw[0] ?? "");
    if (rc) g.rootWrite = { exitCode: Number(rc[1]), error: rw.slice(1).join("\n") };
  }
  const wr = s.get("writable");
  if (!unavailable("writable", wr) && wr)
    g.writable = wr.map((l): WriteFact => {
      const [path, fstype, rc, ...err] = l.split("\t");
      return { path, fstype, exitCode: Number(rc), error: err.join("\t") };
    });
  const st = s.get("stat");
  if (!unavailable("stat", st) && st)
    g.stats = st.flatMap((l): StatFact[] => {
      const [path, uid, gid, mode, type] = l.split("|");
      if (type === undefined || !/^\d+$/.test(uid)) return [];
      return [{ path: stripRoot(path), uid: Number(uid), gid: Number(gid), mode, type, line: l }];
    });
  const app = s.get("app");
  if (!unavailable("app", app) && app)
    g.app = app[0] === "absent" ? "absent" : parseFind(app, /^\d+:\d+ \d+ \S /);
  const perms = s.get("perms");
  if (!unavailable("perms", perms) && perms) g.perms = parseFind(perms, /^[SWK] /);
  const cg = s.get("cgroup");
  if (!unavailable("cgroup", cg) && cg) {
    g.cgroup = {};
    g.cgroupLines = [];
    for (const l of cg) {
      if (l.startsWith("proc1 ")) g.cgroupLines.push(l.slice(6));
      else {
        const [k, v] = l.split(" ");
        g.cgroup[k] = v;
      }
    }
  }
  const sock = s.get("sock");
  if (!unavailable("sock", sock) && sock) g.sockets = sock.filter((l) => l.startsWith("exists ")).map((l) => l.slice(7));
  const limits = s.get("limits");
  if (!unavailable("limits", limits) && limits) {
    const m = /^Max core file size\s+(\S+)\s+(\S+)/.exec(limits[0] ?? "");
    if (m) g.coreLimit = { soft: m[1]!, hard: m[2]!, line: limits[0]! };
  }
  const listen = s.get("listen");
  if (!unavailable("listen", listen) && listen) {
    const seen = new Map<string, ListenFact>();
    for (const f of listen.map(parseListen)) if (f) seen.set(`${f.port}/${f.loopbackOnly}`, f);
    g.listening = [...seen.values()];
  }
  // issue 16: the apparmor section (CIS 5.2)
  const aa = s.get("apparmor");
  if (!unavailable("apparmor", aa) && aa) g.apparmor = parseAppArmor(aa);
  return g;
}

/** The apparmor section: "enabled Y|N|absent|unreadable" and "current <file>\t<text>". */
export function parseAppArmor(lines: string[]): AppArmorFact {
  const f: AppArmorFact = { enabled: "absent", lines };
  for (const l of lines) {
    if (l.startsWith("enabled ")) f.enabled = l.slice(8).trim();
    else if (l.startsWith("current ")) {
      const [file, ...rest] = l.slice(8).split("\t");
      f.file = file;
      f.current = rest.join("\t").trim();
    }
  }
  return f;
}

/**
 * One /proc/net/tcp local address ("0100007F:1F90", or 32 hex digits for tcp6), as the
 * address family, whether it is loopback only, and the port.
 */
export function parseListen(hex: string): ListenFact | null {
  const m = /^([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})$/i.exec(hex.trim());
  if (!m) return null;
  const port = parseInt(m[2]!, 16);
  const a = m[1]!.toUpperCase();
  // /proc prints each 32-bit word in host (little-endian) order: 0100007F is 127.0.0.1
  const loopback = a.length === 8 ? a.endsWith("7F") : a === "00000000000000000000000001000000" || /^0000000000000000FFFF0000[0-9A-F]{6}7F$/.test(a);
  return { port, loopbackOnly: loopback };
}

/** compose/docker sizes: "64m", "1g", "65536k", 1048576 → bytes. */
export function parseBytes(v: string | number | undefined): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "number") return v;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(v.trim());
  if (!m) return undefined;
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as "" | "k"]!;
  return Math.round(Number(m[1]) * mult);
}

/** A compose tmpfs string "/tmp:uid=1000,gid=1000,mode=1777,size=64m" split. */
export const normalizeCap = (c: string) => c.trim().toUpperCase().replace(/^CAP_/, "");
