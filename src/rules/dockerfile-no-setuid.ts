// Static side of CIS 4.8: the Dockerfile strips setuid/setgid bits
// (`find / -xdev -perm /6000 -type f -exec chmod a-s {} +`). The runtime probe checks
// the files themselves.
import { dfLocation, withDockerfile, verdict, type Rule } from "../model.ts";

const STRIP = /^([ugoa]*-s)(,[ugoa]*-s)*$/;

export const dockerfileNoSetuid: Rule = {
  id: "dockerfile/no-setuid",
  title: "setuid/setgid bits stripped",
  kind: "static",
  severity: "medium",
  refs: ["CIS 4.8"],
  remediation: "Add `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +` after the last package install.",
  check(s) {
    return withDockerfile(s, (df) => {
      const strip = df.instructions.find((i) => {
        if (i.keyword !== "RUN") return false;
        const cmds = i.commands ?? [];
        const finds = cmds.some((c) => c[0] === "find" && c.includes("-perm"));
        return finds && cmds.some((c) => c.some((t) => STRIP.test(t)));
      });
      const from = df.instructions.find((i) => i.keyword === "FROM");
      return verdict(
        strip ? [] : [{ message: "no RUN strips setuid/setgid bits", location: dfLocation(df, from?.line), evidence: { property: "setuid files", expected: "find … -perm /6000 … chmod a-s", actual: "none", location: dfLocation(df, from?.line) } }],
        `setuid/setgid stripped at ${df.file}:${strip?.line}`,
      );
    });
  },
};
