// Files under /app belong to the service user (COPY --chown), or stay root-owned and not
// writable by anyone else (read-only code).
import { declaredUser, fail, fmtUser, gatherEvidence, pass, skip, type Probe } from "./probe-kit.ts";

export const appOwnership: Probe = {
  meta: {
    id: "runtime/app-ownership",
    kind: "runtime",
    title: "/app is owned by the service user (or root-owned and read-only)",
    severity: "medium",
    refs: ["hadolint #80", "CIS 4.1"],
    remediation: "COPY application files with `--chown=<uid>:<gid>` matching USER, or keep them root-owned without group/other write bits.",
  },
  needs: ["app", "self"],
  evaluate(f) {
    const g = f.gathered!;
    if (g.app === "absent") return skip("no /app directory in this image: nothing to check");
    const app = g.app!;
    const d = declaredUser(f);
    const statLine = g.stats?.find((s) => s.path === "/app");
    const head = [`find /app -xdev ( ! -uid ${g.checkUser?.uid} -o ! -gid ${g.checkUser?.gid} ): ${app.lines.length} file(s) not owned by the service user, of ${app.total ?? "?"}`];
    if (statLine) head.push(`stat /app: uid ${statLine.uid} gid ${statLine.gid} mode ${statLine.mode}`);
    // "U:G MODE TYPE PATH"; a root-owned file is fine when nobody else can write it.
    const bad = app.lines.filter((l) => {
      const [owner, mode] = l.split(" ");
      const m = parseInt(mode, 8);
      return !(owner.split(":")[0] === "0" && (m & 0o022) === 0 && (m & 0o6000) === 0);
    });
    const ev = [gatherEvidence(g, [...head, ...bad.slice(0, 50), ...app.errors.slice(0, 10)], { property: "/app owner", expected: `${fmtUser(d)} (or root, not group/other-writable)`, actual: bad.length ? `${bad.length} other` : "as expected" })];
    if (bad.length) return fail(`${bad.length} file(s) under /app owned by neither ${fmtUser(d)} nor read-only root, e.g. ${bad[0]}`, ev);
    if (app.errors.length) return skip(`part of /app was unreadable by the service user: ${app.errors[0]}`, ev);
    return pass(`${app.total ?? "all"} file(s) under /app owned by ${fmtUser(d)} or read-only root`, ev);
  },
};
