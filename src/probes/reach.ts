// Which connections each container must not be able to make, and the one script that tries
// them from inside it. The plan is a pure function of the compose model (which networks each
// service is on) and the gathered facts (each container's addresses and listening ports):
// a container must not reach a service it shares no network with, and a container on
// internal networks only must not get out of the host.
import type { ResolvedCompose } from "../sources/compose.ts";
import type { ReachFact, ServiceFacts } from "./facts.ts";

export interface ReachTarget {
  address: string;
  why: ReachFact["why"];
}

/** The docker network names a service is on, as compose names them; null when it has none of its own. */
export function serviceNetworks(model: ResolvedCompose, service: string, project: string): string[] | null {
  const s = model.services[service];
  const mode = s?.network_mode;
  if (mode && mode !== "bridge") return null; // none, host, service:x, container:x
  const nets = (model.networks ?? {}) as Record<string, { name?: string }>;
  return Object.keys((s?.networks ?? { default: null }) as Record<string, unknown>).map((n) => nets[n]?.name ?? `${project}_${n}`);
}

export function internalNetworks(model: ResolvedCompose, project: string): Set<string> {
  const nets = (model.networks ?? {}) as Record<string, { name?: string; internal?: boolean }>;
  return new Set(Object.entries(nets).filter(([, n]) => n?.internal).map(([k, n]) => n.name ?? `${project}_${k}`));
}

export function reachPlan(facts: ServiceFacts[], model: ResolvedCompose, project: string, egress: string[]): Map<string, ReachTarget[]> {
  const internal = internalNetworks(model, project);
  const plan = new Map<string, ReachTarget[]>();
  for (const from of facts) {
    const mine = serviceNetworks(model, from.service, project);
    if (!mine) continue;
    const targets: ReachTarget[] = [];
    for (const to of facts) {
      if (to.service === from.service) continue;
      const theirs = serviceNetworks(model, to.service, project);
      if (!theirs || theirs.some((n) => mine.includes(n))) continue;
      const ports = (to.gathered?.listening ?? []).filter((l) => !l.loopbackOnly).map((l) => l.port);
      for (const ip of new Set(Object.values(to.inspect.networks)))
        for (const port of new Set(ports)) targets.push({ address: `${ip}:${port}`, why: { kind: "service", service: to.service } });
    }
    if (mine.length && mine.every((n) => internal.has(n))) for (const address of egress) targets.push({ address, why: { kind: "egress" } });
    if (targets.length) plan.set(from.service, targets);
  }
  return plan;
}

/** Seconds one connection attempt may take before it counts as dropped: on one host a reachable
 *  address answers within milliseconds, a dropped packet never does. */
export const ATTEMPT_TIMEOUT_S = 1;

// bash's /dev/tcp (no nc or curl needed; bash and coreutils' timeout are in every Debian
// image), all attempts at once. One line per attempt: "<ip:port> <exit> <error text>".
export const ATTEMPT_SCRIPT = `for t; do
  ( out=$(timeout ${ATTEMPT_TIMEOUT_S} bash -c 'exec 3<>"/dev/tcp/\${0%:*}/\${0##*:}"' "$t" 2>&1); rc=$?
    printf '%s %s %s\\n' "$t" "$rc" "$(printf '%s' "$out" | tr '\\n' ' ' | tail -c 160)" ) &
done
wait`;

export function classifyAttempt(exit: number, text: string): ReachFact["outcome"] {
  if (exit === 0) return "connected";
  if (exit === 124) return "timeout";
  if (/refused/i.test(text)) return "refused";
  if (/no route|unreachable/i.test(text)) return "unreachable";
  return "error";
}

export function parseAttempts(stdout: string, targets: ReachTarget[]): ReachFact[] {
  const byAddress = new Map<string, { exit: number; text: string }>();
  for (const line of stdout.split("\n")) {
    const m = /^(\S+) (\d+) ?(.*)$/.exec(line.trim());
    if (m) byAddress.set(m[1]!, { exit: Number(m[2]), text: m[3]!.trim() });
  }
  return targets.map((t) => {
    const r = byAddress.get(t.address);
    if (!r) return { ...t, outcome: "error", detail: "no answer from the attempt script" };
    return { ...t, outcome: classifyAttempt(r.exit, r.text), detail: r.text || (r.exit === 124 ? `no answer within ${ATTEMPT_TIMEOUT_S} s` : `exit ${r.exit}`) };
  });
}

/** A connection that got an answer (a SYN-ACK or a reset) reached its target. */
export const reached = (f: ReachFact) => f.outcome === "connected" || f.outcome === "refused";
