// `userns_mode` is not `host`: where the daemon remaps users (userns-remap), this puts the
// container back in the host's user namespace, its root being the host's root.
import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeNoHostUserns: Rule = {
  id: "compose/no-host-userns",
  title: "No host user namespace",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.31"],
  remediation: "Remove `userns_mode: host`.",
  check(s) {
    const loc = keyLocation(s, "userns_mode");
    return verdict(
      s.resolved.userns_mode === "host" ? [{ message: "userns_mode: host", location: loc, evidence: { property: "userns_mode", expected: "unset (the daemon's user namespace setting)", actual: "host", location: loc } }] : [],
      "not in the host's user namespace",
    );
  },
};
