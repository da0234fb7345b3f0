// No host device reaches the container (`devices:`): a device node is the host's hardware.
import { keyLocation, verdict, type Rule } from "../model.ts";

export const composeNoDevices: Rule = {
  id: "compose/no-devices",
  title: "No host devices passed in",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.18"],
  remediation: "Remove `devices:`; a service that truly needs one records why in the exemptions file.",
  check(s) {
    const devices = (s.resolved.devices ?? []) as Array<string | { source?: string; target?: string }>;
    const loc = keyLocation(s, "devices");
    const shown = devices.map((d) => (typeof d === "string" ? d : `${d.source}:${d.target}`));
    return verdict(shown.length ? [{ message: `devices ${shown.join(", ")}`, location: loc, evidence: { property: "devices", expected: "[]", actual: JSON.stringify(shown), location: loc } }] : [], "no devices");
  },
};
