// Each declared tmpfs is mounted as declared (owner = the service user, mode, flags, size)
// and the service user can write to it.
import type { Evidence } from "../types.ts";
import type { ServiceFacts } from "./facts.ts";
import { parseBytes } from "./parse.ts";
import { declaredUser, fail, fmtUser, gatherEvidence, pass, realPath, skip, type Probe } from "./probe-kit.ts";

const FLAGS: Record<string, { present?: string; absent?: string }> = {
  noexec: { present: "noexec" }, exec: { absent: "noexec" },
  nosuid: { present: "nosuid" }, suid: { absent: "nosuid" },
  nodev: { present: "nodev" }, dev: { absent: "nodev" },
  ro: { present: "ro" }, rw: { present: "rw" },
};

function checkOne(f: ServiceFacts, declaredPath: string, opts: Record<string, string | true>, problems: string[], ev: Evidence[], notes: string[]) {
  const g = f.gathered!;
  const d = declaredUser(f);
  const real = realPath(f, declaredPath);
  const path = real;
  const m = [...g.mounts!].reverse().find((x) => x.mountPoint === path);
  if (!m || m.fstype !== "tmpfs") {
    problems.push(`${path}: not mounted as tmpfs${m ? ` (${m.fstype})` : ""}`);
    ev.push(gatherEvidence(g, g.mounts!.filter((x) => x.fstype === "tmpfs").map((x) => x.line), { property: path, expected: "a tmpfs mount", actual: m ? m.fstype : "no mount" }));
    return;
  }
  const lines = [...(real !== declaredPath ? [`${declaredPath} resolves to ${real} in the container`] : []), m.line];
  const st = g.stats?.find((s) => s.path === path);
  if (st) lines.push(`stat ${path}: uid ${st.uid} gid ${st.gid} mode ${st.mode}`);
  const wr = g.writable?.find((w) => w.path === path);
  if (wr) lines.push(`write ${path}: exit ${wr.exitCode}${wr.error ? ` ${wr.error}` : ""}`);
  const before = problems.length;
  // Owner: the service user, and what the tmpfs options ask for.
  // A named USER seen only from the sidecar has no known uid: the tmpfs options then say it.
  const num = (v: string | true | undefined) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);
  const wantUid = d.uid ?? num(opts.uid), wantGid = d.gid ?? num(opts.gid);
  const who = `${wantUid ?? "?"}:${wantGid ?? "?"}`;
  if (d.uid !== undefined && opts.uid !== undefined && Number(opts.uid) !== d.uid) problems.push(`${path}: declared uid=${opts.uid} but the service user is ${fmtUser(d)}`);
  if (d.gid !== undefined && opts.gid !== undefined && Number(opts.gid) !== d.gid) problems.push(`${path}: declared gid=${opts.gid} but the service group is ${d.gid}`);
  if (!st) notes.push(`${path}: owner/mode not checked (${g.unavailable.stat ?? "no stat output"})`);
  else {
    if (wantUid === undefined) notes.push(`${path}: the service uid is unknown (named USER ${JSON.stringify(d.text)}, no shell to resolve it)`);
    else if (st.uid !== wantUid || (wantGid !== undefined && st.gid !== wantGid))
      problems.push(`${path}: owned by ${st.uid}:${st.gid}, the service user is ${who}`);
    if (opts.mode !== undefined && parseInt(String(opts.mode), 8) !== parseInt(st.mode, 8)) {
      // runc re-applies the mode of the image directory a tmpfs covers, after mounting.
      const mounted = m.superOptions.find((o) => o.startsWith("mode="));
      const why = mounted && parseInt(mounted.slice(5), 8) !== parseInt(st.mode, 8) ? ` (mounted ${mounted}, then the runtime applied the image directory's mode: change that directory's mode in the Dockerfile or declare mode=${st.mode})` : "";
      problems.push(`${path}: mode ${st.mode}, declared ${opts.mode}${why}`);
    }
  }
  for (const [k, rule] of Object.entries(FLAGS)) {
    if (opts[k] !== true) continue;
    if (rule.present && !m.options.includes(rule.present)) problems.push(`${path}: declared ${k} but mounted ${m.options.join(",")}`);
    if (rule.absent && m.options.includes(rule.absent)) problems.push(`${path}: declared ${k} but mounted ${rule.absent}`);
  }
  const want = parseBytes(typeof opts.size === "string" ? opts.size : undefined);
  if (want !== undefined) {
    const got = parseBytes(m.superOptions.find((o) => o.startsWith("size="))?.slice(5));
    // The kernel rounds the size up to whole pages.
    if (got === undefined || got < want || got - want >= 4096) problems.push(`${path}: size ${got ?? "unlimited"} bytes, declared ${opts.size}`);
  }
  if (!wr) notes.push(`${path}: write test not run (${g.unavailable.writable ?? "no result"})`);
  else if (wr.exitCode !== 0) problems.push(`${path}: not writable by the service user: ${wr.error}`);
  ev.push(gatherEvidence(g, lines, { property: path, expected: `tmpfs owner ${who} ${Object.entries(opts).map(([k, v]) => (v === true ? k : `${k}=${v}`)).join(",")}`, actual: problems.length > before ? problems.slice(before).join("; ") : "as declared" }));
}

export const tmpfsDeclared: Probe = {
  meta: {
    id: "runtime/tmpfs-declared",
    kind: "runtime",
    title: "Each tmpfs has the declared owner, mode, options and size and is writable by the service user",
    severity: "medium",
    refs: ["CIS 5.13", "compose-spec #278"],
    remediation: "Declare tmpfs as `/path:uid=<uid>,gid=<gid>,mode=<mode>,size=<n>` (short syntax; long-syntax `type: tmpfs` cannot set uid/gid) with the image USER's ids.",
  },
  needs: ["mountinfo", "self"],
  evaluate(f) {
    if (f.declared.tmpfs.length === 0) return pass("no tmpfs declared for this service");
    const problems: string[] = [], ev: Evidence[] = [], notes: string[] = [];
    for (const t of f.declared.tmpfs) checkOne(f, t.path, t.options, problems, ev, notes);
    if (problems.length) return fail(problems.join("; "), ev);
    if (notes.length) return skip(`not fully checked: ${notes.join("; ")}`, ev);
    return pass(`${f.declared.tmpfs.length} tmpfs as declared and writable: ${f.declared.tmpfs.map((t) => t.path).join(", ")}`, ev);
  },
};
