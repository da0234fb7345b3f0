// `apt-get update` never alone in a RUN (CIS 4.7, Trivy DS-0017): the build cache keeps
// that layer, so a later RUN's install reads a stale index (old, or no longer served,
// package versions). Update and install belong in one instruction.
import { withDockerfile, verdict, type Rule } from "../model.ts";
import { isInstall, pkgCommand } from "./dockerfile-packages.ts";

/** The update commands of a RUN that no install in the same RUN follows. */
export function updatesAlone(commands: string[][]): string[] {
  const family = (tool: string) => (tool === "apk" ? "apk" : "apt"); // apt and apt-get share one index
  const cmds = commands.map(pkgCommand);
  return cmds.flatMap((c, at) => {
    if (!c || c.sub !== "update" || !["apt-get", "apt", "apk"].includes(c.tool)) return [];
    const installed = cmds.slice(at + 1).some((d) => d && family(d.tool) === family(c.tool) && isInstall(d));
    return installed ? [] : [`${c.tool} update`];
  });
}

export const dockerfileAptUpdateWithInstall: Rule = {
  id: "dockerfile/apt-update-with-install",
  title: "Package index update is never alone in a RUN",
  kind: "static",
  severity: "low",
  refs: ["CIS 4.7", "Trivy DS-0017"],
  remediation: "Update and install in one RUN: `RUN apt-get update && apt-get install -y --no-install-recommends <pkgs> && rm -rf /var/lib/apt/lists/*`.",
  check(s) {
    return withDockerfile(s, (df) => {
      const findings = df.instructions
        .filter((i) => i.keyword === "RUN")
        .flatMap((i) => updatesAlone(i.commands ?? []).map((u) => ({ i, u })))
        .map(({ i, u }) => ({ message: `RUN ${u} without an install in the same RUN`, location: { file: df.file, line: i.line }, evidence: { property: "RUN", expected: "update followed by install in one RUN", actual: i.text.slice(0, 200), location: { file: df.file, line: i.line } } }));
      return verdict(findings, "every package index update is followed by an install in its RUN");
    });
  },
};
