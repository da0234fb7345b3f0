// Docker mounts tmpfs nosuid,nodev,noexec unless told otherwise; flag a tmpfs that
// turns those back on (exec where a service truly needs it goes through an exemption).
import { verdict, type Rule } from "../model.ts";

export const composeTmpfsOptions: Rule = {
  id: "compose/tmpfs-options",
  title: "tmpfs keeps nosuid, nodev and noexec",
  kind: "static",
  severity: "low",
  refs: ["CIS 5.13"],
  remediation: "Remove `suid`, `dev` and `exec` from the tmpfs options (Docker's defaults are nosuid,nodev,noexec); record an exemption where a service must execute from its tmpfs.",
  check(s) {
    const findings = s.tmpfs.flatMap((t) => {
      const weak = ["suid", "dev", "exec"].filter((o) => t.options[o] !== undefined);
      return weak.length ? [{ message: `tmpfs ${t.target} sets ${weak.join(", ")}`, location: t.location, evidence: { property: `tmpfs ${t.target}`, expected: "nosuid,nodev,noexec", actual: t.raw, location: t.location } }] : [];
    });
    return verdict(findings, s.tmpfs.length ? "every tmpfs nosuid,nodev,noexec" : "no tmpfs mounts");
  },
};
