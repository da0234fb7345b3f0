// Every process runs as the declared non-root uid/gid. Also catches entrypoints that start
// as root and drop (gosu/su-exec/setpriv): the declared user is then root, docker exec's
// default user is 0, and/or a root parent (su) is still there.
import type { Evidence } from "../types.ts";
import { declaredUser, fail, fmtUser, gatherEvidence, pass, procEvidence, type Probe } from "./probe-kit.ts";

export const processUser: Probe = {
  meta: {
    id: "runtime/process-user",
    kind: "runtime",
    title: "Every process runs as the declared non-root user",
    severity: "high",
    refs: ["CIS 4.1", "hadolint DL3002", "Trivy DS-0002"],
    remediation:
      "Set a numeric non-root USER in the Dockerfile (and the same `user:` in compose); start the server directly as that user instead of an entrypoint that drops from root (gosu, su-exec, su, setpriv).",
  },
  needs: ["self", "procs"],
  evaluate(f) {
    const g = f.gathered!;
    const d = declaredUser(f);
    const reasons: string[] = [];
    const ev: Evidence[] = [
      { property: "Config.User", expected: "non-root uid:gid", actual: JSON.stringify(d.text), note: `compose user: ${f.declared.composeUser ?? "(unset)"}` },
    ];
    if (d.root) reasons.push(`declared user is root (Config.User ${JSON.stringify(d.text)}, compose user ${f.declared.composeUser ?? "unset"}): the container starts as root`);
    if (g.mode === "exec" && g.self && g.self.uid[0] === 0) {
      reasons.push("docker exec's default user is uid 0");
      ev.push(gatherEvidence(g, ["docker exec default user (/proc/self/status)", ...g.self.lines], { property: "exec uid", expected: "non-zero", actual: "0" }));
    }
    const procs = g.procs ?? [];
    const bad = procs.filter((p) => {
      const ids = [...p.uid, ...p.gid];
      if (ids.includes(0) || p.groups.includes(0)) return true;
      if (d.uid !== undefined && p.uid.some((u) => u !== d.uid)) return true;
      if (d.gid !== undefined && p.gid.some((x) => x !== d.gid)) return true;
      return false;
    });
    for (const p of bad) {
      const root = p.uid.includes(0) ? "root process" : p.gid.includes(0) || p.groups.includes(0) ? "root group" : "not the declared user";
      reasons.push(`pid ${p.pid} (${p.name}) ${root}: Uid ${p.uid.join(" ")} Gid ${p.gid.join(" ")}`);
      ev.push(procEvidence(g, p, ["Uid", "Gid", "Groups", "PPid"], { property: "uid/gid", expected: fmtUser(d), actual: `${p.uid[0]}:${p.gid[0]}` }));
    }
    if (procs.length === 0) reasons.push("no process of the container was visible");
    if (reasons.length) {
      // Show PID 1 too: after a drop it looks right, the declared user shows why it is not.
      const p1 = procs.find((p) => p.pid === 1);
      if (p1 && !bad.includes(p1)) ev.push(procEvidence(g, p1, ["Uid", "Gid", "PPid"], { note: "PID 1" }));
      return fail(reasons.join("; "), ev);
    }
    return pass(`${procs.length} process(es), all uid ${d.uid} gid ${d.gid ?? procs[0].gid[0]} as declared (${JSON.stringify(d.text)})`, [
      ...ev,
      ...procs.map((p) => procEvidence(g, p, ["Uid", "Gid"])),
    ]);
  },
};
