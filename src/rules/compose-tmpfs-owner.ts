// Cross-check no tool makes: each tmpfs is owned by the user the service runs as
// (tmpfs uid/gid = image USER = compose `user:`) and has an explicit mode. Without
// uid/gid a tmpfs is root-owned and a non-root service cannot write to it (seed, Issue 1).
import { describeUser, effectiveUser, pass, verdict, type Finding, type Rule } from "../model.ts";

export const composeTmpfsOwner: Rule = {
  id: "compose/tmpfs-owner",
  title: "tmpfs owned by the service user (uid/gid = USER) with a mode",
  kind: "static",
  severity: "medium",
  refs: ["compose-spec #278", "CIS 5.13"],
  description: "A tmpfs without uid/gid is created root-owned, so a service running as USER 1000:1000 gets Permission denied writing /tmp. Long-syntax `type: tmpfs` volumes cannot set uid/gid at all.",
  remediation: "Mount each tmpfs owned by the service user, with a mode: `tmpfs: [\"/tmp:uid=1000,gid=1000,mode=1777\"]` (uid/gid equal to the image USER and compose `user:`; 1777 for /tmp), using the short `tmpfs:` syntax.",
  check(s) {
    if (!s.tmpfs.length) return pass("no tmpfs mounts");
    const user = effectiveUser(s);
    const findings: Finding[] = [];
    for (const t of s.tmpfs) {
      const problem = (message: string, expected: string): Finding => ({
        message: `tmpfs ${t.target}: ${message}`,
        location: t.location,
        evidence: { property: `tmpfs ${t.target}`, expected, actual: t.raw, location: t.location },
      });
      if (t.longSyntax) {
        findings.push(problem("long-syntax tmpfs volume cannot set uid/gid (compose-spec #278)", "short syntax with uid, gid, mode"));
        continue;
      }
      const uid = t.options.uid, gid = t.options.gid;
      const wantUid = user?.uid, wantGid = user?.gid;
      const root = wantUid === 0;
      const expected = user ? `uid=${wantUid ?? "?"},gid=${wantGid ?? "?"},mode=…  (user ${describeUser(user)})` : "uid, gid and mode set";
      if (uid === undefined && !root) findings.push(problem("no uid= (mounted root-owned)", expected));
      else if (uid !== undefined && wantUid !== undefined && String(uid) !== String(wantUid)) findings.push(problem(`uid=${uid} but the service runs as uid ${wantUid}`, expected));
      if (gid === undefined && !root) findings.push(problem("no gid=", expected));
      else if (gid !== undefined && wantGid !== undefined && String(gid) !== String(wantGid)) findings.push(problem(`gid=${gid} but the service runs as gid ${wantGid}`, expected));
      if (t.options.mode === undefined) findings.push(problem("no mode= (use 1777 for /tmp)", expected));
    }
    return verdict(dedupe(findings), `every tmpfs owned by ${user ? describeUser(user) : "its declared uid/gid"} with a mode`);
  },
};

/** One finding per mount keeps the message short; evidence keeps every problem. */
function dedupe(findings: Finding[]): Finding[] {
  const byMount = new Map<string, Finding>();
  for (const f of findings) {
    const key = f.evidence.property ?? f.message;
    const prev = byMount.get(key);
    if (prev) prev.message += `; ${f.message.replace(/^tmpfs \S+: /, "")}`;
    else byMount.set(key, { ...f });
  }
  return [...byMount.values()];
}
