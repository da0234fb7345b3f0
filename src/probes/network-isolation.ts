// From inside the container, the services it shares no network with are out of reach, and a
// container on internal networks only cannot get out of the host. Tried with real TCP
// connections: on Docker 20.10 an internal network still gives a default route, so only a
// connection attempt tells whether the packets are dropped.
import type { ReachFact } from "./facts.ts";
import { fail, pass, skip, type Probe } from "./probe-kit.ts";
import { reached } from "./reach.ts";

const target = (a: ReachFact) => (a.why.kind === "service" ? `${a.why.service} at ${a.address}` : `${a.address} (outside the host)`);

export const networkIsolation: Probe = {
  meta: {
    id: "runtime/network-isolation",
    kind: "runtime",
    title: "The container cannot reach services off its networks, nor leave the host from an internal network",
    severity: "high",
    refs: ["CIS 5.30", "compose-spec networks (internal)"],
    remediation:
      "Keep each service on the networks of the services it talks to, declared `internal: true`; do not `docker network connect` containers by hand; set APEX_EGRESS_TARGETS to addresses outside your host if the defaults do not apply.",
  },
  needs: [],
  evaluate(f) {
    // like every in-container probe: nothing is judged of a container apex could not enter
    if (!f.gathered) return skip(`cannot run: no facts gathered from inside the container: ${f.gatherError ?? "unknown reason"}`);
    if (!f.reach) return skip(`cannot run: ${f.reachError ?? "no connection attempts were made"}`);
    const { attempts, command } = f.reach;
    if (!attempts.length)
      return pass("nothing to try: every other running service shares a network with it, and it has a non-internal network", [
        { note: "no connection to try", property: "connections", expected: "none reached", actual: "none tried" },
      ]);
    const evidence = [{ command, output: attempts.map((a) => `${a.address} ${a.outcome} (${a.why.kind === "service" ? a.why.service : "egress"}): ${a.detail}`).join("\n"), property: "connections", expected: "none reached", actual: `${attempts.filter(reached).length} reached` }];
    const got = attempts.filter(reached);
    if (got.length) {
      const first = got[0]!;
      const why = first.why.kind === "service" ? `though it shares no network with ${first.why.service}` : "though it is on internal networks only";
      return fail(`reached ${target(first)} (${first.outcome}), ${why}${got.length > 1 ? `; and ${got.length - 1} more` : ""}`, evidence);
    }
    const broken = attempts.filter((a) => a.outcome === "error");
    if (broken.length === attempts.length) return skip(`cannot run: every attempt failed to run (${broken[0]!.detail})`, evidence);
    const services = [...new Set(attempts.flatMap((a) => (a.why.kind === "service" ? [a.why.service] : [])))];
    const out = attempts.filter((a) => a.why.kind === "egress").length;
    return pass(`${attempts.length} connection(s) tried, none reached: ${[services.length ? services.join(", ") : "", out ? `${out} address(es) outside the host` : ""].filter(Boolean).join("; ")}`, evidence);
  },
};
