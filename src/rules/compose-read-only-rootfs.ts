import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeReadOnlyRootfs: Rule = {
  id: "compose/read-only-rootfs",
  title: "Root filesystem is read-only",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.13"],
  remediation: "Set `read_only: true` (through the anchor) and declare each writable path as a tmpfs or volume.",
  check(s) {
    const loc = keyLocation(s, "read_only");
    return verdict(
      // compose config leaves out a read_only that is false (its default): absent means false
      s.resolved.read_only === true ? [] : [{ message: "read_only is not true", location: loc, evidence: { property: "read_only", expected: "true", actual: String(s.resolved.read_only ?? false), location: loc } }],
      "read_only: true",
    );
  },
};
