// When the image exists locally, its config must say what the Dockerfile says: a stale
// image would make every runtime probe judge something else than the source.
import { posix } from "node:path";
import { skip, verdict, type Finding, type Rule } from "../model.ts";

export const imageConfigMatchesDockerfile: Rule = {
  id: "image/config-matches-dockerfile",
  title: "Local image config (USER, WORKDIR) matches the Dockerfile",
  kind: "static",
  severity: "medium",
  refs: ["CIS 4.1"],
  remediation: "Rebuild the image from its Dockerfile (`npm run build:services` or `docker compose build`).",
  check(s) {
    if (!s.image) return skip(`image ${s.resolved.image ?? ""} not inspected (not built locally, or --no-images)`);
    if (!s.dockerfile) return skip("no Dockerfile to compare with");
    const df = s.dockerfile;
    const findings: Finding[] = [];
    const dfUser = df.user?.raw ?? "";
    if (s.image.user.trim() !== dfUser.trim())
      findings.push({ message: `image USER "${s.image.user}" but Dockerfile USER "${dfUser}"`, location: df.user?.location ?? { file: df.file }, evidence: { property: "Config.User", expected: dfUser, actual: s.image.user, note: `image ${s.image.ref} ${s.image.id.slice(0, 19)}` } });
    let wd = "";
    for (const i of df.instructions) if (i.keyword === "WORKDIR" && i.args[0]) wd = posix.resolve(wd || "/", i.args[0]);
    if (wd && !wd.includes("$") && s.image.workingDir && posix.normalize(s.image.workingDir) !== wd)
      findings.push({ message: `image WorkingDir "${s.image.workingDir}" but Dockerfile WORKDIR "${wd}"`, location: { file: df.file }, evidence: { property: "Config.WorkingDir", expected: wd, actual: s.image.workingDir } });
    return verdict(findings, `image ${s.image.ref} USER "${s.image.user}" matches`);
  },
};
