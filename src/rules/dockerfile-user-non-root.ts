// Judges the image USER: the local image's Config.User when inspected, else the last
// USER of the Dockerfile (no USER at all means root).
import { describeUser, skip, verdict, type Rule } from "../model.ts";

export const dockerfileUserNonRoot: Rule = {
  id: "dockerfile/user-non-root",
  title: "Final USER is not root",
  kind: "static",
  severity: "high",
  refs: ["hadolint DL3002", "Trivy DS-0002", "Checkov CKV_DOCKER_3", "Checkov CKV_DOCKER_8", "CIS 4.1"],
  remediation: "End the Dockerfile with `USER <uid>:<gid>` of an account created with fixed ids (e.g. `USER 1000:1000`).",
  check(s) {
    const u = s.imageUser;
    if (!u) return skip(`image USER unknown: no Dockerfile and ${s.resolved.image ?? "the image"} is not available locally`);
    const root = u.uid === 0 || /^(root|0)(:|$)/.test(u.raw) || u.raw === "";
    return verdict(
      root ? [{ message: `image runs as root (${u.raw})`, location: u.location, evidence: { property: "USER", expected: "non-root uid", actual: u.raw, location: u.location } }] : [],
      `USER ${describeUser(u)}`,
    );
  },
};
