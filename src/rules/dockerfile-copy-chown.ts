// Cross-check no tool makes (hadolint #80): files COPY/ADD puts into the app (the final
// WORKDIR) carry --chown equal to USER, and every --chown names the USER.
import { posix } from "node:path";
import { resolveUser } from "../sources/dockerfile.ts";
import { describeUser, pass, sameUser, withDockerfile, verdict, type Finding, type Rule } from "../model.ts";

export const dockerfileCopyChown: Rule = {
  id: "dockerfile/copy-chown",
  title: "COPY/ADD into the app carry --chown matching USER",
  kind: "static",
  severity: "medium",
  refs: ["hadolint #80", "CIS 4.1"],
  description: "Files copied as root stay root-owned; the service user may not read them, and read_only prevents fixing that at run time (seed, Issue 2).",
  remediation: "Copy with the service user's ownership: `COPY --chown=1000:1000 src /app/src` (the seed's Fix 2), with --chown equal to USER.",
  check(s) {
    return withDockerfile(s, (df) => {
      const u = df.user;
      if (!u || u.uid === 0) return pass("no non-root USER (see dockerfile/user-non-root)");
      const findings: Finding[] = [];
      let workdir = "/";
      for (const ins of df.instructions) {
        if (ins.keyword === "WORKDIR" && ins.args[0]) workdir = posix.resolve(workdir, ins.args[0]);
        if (ins.keyword !== "COPY" && ins.keyword !== "ADD") continue;
        const dest = posix.resolve(workdir, ins.args[ins.args.length - 1] ?? ".");
        const chown = ins.flags.chown;
        const loc = { file: df.file, line: ins.line };
        const intoApp = workdir !== "/" && (dest === workdir || dest.startsWith(`${workdir}/`));
        if (chown == null) {
          if (intoApp) findings.push({ message: `${ins.keyword} ${ins.text} without --chown`, location: loc, evidence: { property: `${ins.keyword} --chown`, expected: `--chown=${u.raw}`, actual: `${ins.keyword} ${ins.text}`, location: loc } });
        } else if (!sameUser(resolveUser(chown, df.accounts), u)) {
          findings.push({ message: `${ins.keyword} --chown=${chown} but USER is ${describeUser(u)}`, location: loc, evidence: { property: `${ins.keyword} --chown`, expected: `--chown=${u.raw}`, actual: `--chown=${chown}`, location: loc } });
        }
      }
      return verdict(findings, `every COPY/ADD into the app owned by ${u.raw}`);
    });
  },
};
