// Judges the Dockerfile's final USER (no USER at all means root). Only the Dockerfile: a
// local image built from an older Dockerfile says nothing about this one (that is
// image/config-matches-dockerfile's finding), and the image's own USER is image/user-non-root's.
import { describeUser, skip, verdict, type Rule } from "../model.ts";

export const dockerfileUserNonRoot: Rule = {
  id: "dockerfile/user-non-root",
  title: "Final USER is not root",
  kind: "static",
  severity: "high",
  refs: ["hadolint DL3002", "Trivy DS-0002", "Checkov CKV_DOCKER_3", "Checkov CKV_DOCKER_8", "CIS 4.1"],
  remediation: "End the Dockerfile with `USER <uid>:<gid>` of an account created with fixed ids (e.g. `USER 1000:1000`).",
  check(s) {
    const df = s.dockerfile;
    if (!df) return skip(`no Dockerfile builds ${s.resolved.image ?? "the image"} (its own USER is image/user-non-root's to judge)`);
    const from = df.instructions.find((i) => i.keyword === "FROM");
    const u = df.user ?? { raw: "root (no USER)", uid: 0, gid: 0, location: { file: df.file, line: from?.line } };
    const root = u.uid === 0 || /^(root|0)(:|$)/.test(u.raw) || u.raw === "";
    return verdict(
      root ? [{ message: `Dockerfile runs as root (${u.raw})`, location: u.location, evidence: { property: "USER", expected: "non-root uid", actual: u.raw, location: u.location } }] : [],
      `USER ${describeUser(u)}`,
    );
  },
};
