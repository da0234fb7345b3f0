// Cross-check: WORKDIR creates its directory as root. Unless a RUN before USER chowns it
// to USER (or it already is), the service user cannot write there (seed, Issue 3).
import { posix } from "node:path";
import { resolveUser } from "../sources/dockerfile.ts";
import { pass, sameUser, withDockerfile, verdict, type Rule } from "../model.ts";

const norm = (p: string) => posix.normalize(p).replace(/\/+$/, "") || "/";

export const dockerfileWorkdirOwned: Rule = {
  id: "dockerfile/workdir-owned",
  title: "WORKDIR owned by USER (created and chowned before USER)",
  kind: "static",
  severity: "medium",
  refs: ["hadolint DL3000", "CIS 4.1"],
  description: "`WORKDIR /app` before `USER 1000:1000` creates /app owned by root: the service user cannot write there, and read_only prevents fixing it at run time.",
  remediation: "Create the directory owned by the user before USER: `RUN mkdir -p /app && chown -R 1000:1000 /app`, then `WORKDIR /app` (the seed's Fix 2).",
  check(s) {
    return withDockerfile(s, (df) => {
      const u = df.user;
      if (!u || u.uid === 0) return pass("no non-root USER (see dockerfile/user-non-root)");
      let workdir = "/";
      let wdIns: (typeof df.instructions)[number] | undefined;
      for (const i of df.instructions)
        if (i.keyword === "WORKDIR" && i.args[0]) {
          workdir = norm(posix.resolve(workdir, i.args[0]));
          wdIns = i;
        }
      if (!wdIns || workdir === "/") return pass("no WORKDIR");
      const userLine = u.location?.line ?? Infinity;
      const owned = df.ownership.find(
        (o) =>
          o.line < userLine &&
          sameUser(resolveUser(o.owner, df.accounts), u) &&
          o.paths.some((p) => norm(p) === workdir || (o.recursive && workdir.startsWith(`${norm(p)}/`))),
      );
      const loc = { file: df.file, line: wdIns.line };
      return verdict(
        owned ? [] : [{ message: `WORKDIR ${workdir} is created by root and never chowned to ${u.raw} before USER`, location: loc, evidence: { property: `owner of ${workdir}`, expected: u.raw, actual: "root (created by WORKDIR)", location: loc } }],
        `${workdir} chowned to ${owned?.owner} at ${df.file}:${owned?.line}`,
      );
    });
  },
};
