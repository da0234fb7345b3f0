import { describe, expect, it } from "vitest";
import type { ResolvedCompose } from "../sources/compose.ts";
import type { ServiceFacts } from "./facts.ts";
import { parseListen } from "./parse.ts";
import { classifyAttempt, parseAttempts, reachPlan } from "./reach.ts";

const model = {
  name: "p",
  services: {
    api: { networks: { edge: null, app: null }, ports: [{ target: 8080 }] },
    cache: { networks: { app: null } },
    db: { networks: { db: null } },
    worker: { networks: { db: null } },
    shared: { network_mode: "service:db" },
  },
  networks: { edge: { name: "p_edge" }, app: { name: "p_app", internal: true }, db: { name: "p_db", internal: true } },
} as unknown as ResolvedCompose;

const facts = (service: string, networks: Record<string, string>, ports: Array<[number, boolean?]> = []): ServiceFacts =>
  ({
    service,
    container: `p-${service}-1`,
    inspect: { networks },
    gathered: { listening: ports.map(([port, loopbackOnly]) => ({ port, loopbackOnly: !!loopbackOnly })) },
  }) as unknown as ServiceFacts;

const all = [
  facts("api", { p_edge: "10.0.0.2", p_app: "10.1.0.2" }, [[8080]]),
  facts("cache", { p_app: "10.1.0.3" }, [[11211], [9999, true]]),
  facts("db", { p_db: "10.2.0.2" }, [[5432]]),
  facts("worker", { p_db: "10.2.0.3" }),
];

describe("reachPlan", () => {
  const plan = reachPlan(all, model, "p", ["1.1.1.1:443"]);
  const of = (s: string) => (plan.get(s) ?? []).map((t) => `${t.address} ${t.why.kind === "service" ? t.why.service : "egress"}`);

  it("a service must not reach the listening ports of services it shares no network with", () => {
    expect(of("api")).toEqual(["10.2.0.2:5432 db"]); // on edge: no egress attempt
    expect(of("db")).toEqual(["10.0.0.2:8080 api", "10.1.0.2:8080 api", "10.1.0.3:11211 cache", "1.1.1.1:443 egress"]);
  });

  it("ports bound to loopback are left out, and internal-only services must not get out", () => {
    expect(of("cache")).toEqual(["10.2.0.2:5432 db", "1.1.1.1:443 egress"]);
  });

  it("services sharing a network are not tried; a service without a network of its own is not planned", () => {
    expect(of("worker")).not.toContain("10.2.0.2:5432 db");
    expect(plan.has("shared")).toBe(false);
  });
});

describe("attempts", () => {
  it.each([
    [0, "", "connected"],
    [124, "", "timeout"],
    [1, "bash: connect: Connection refused", "refused"],
    [1, "bash: connect: No route to host", "unreachable"],
    [1, "bash: connect: Network is unreachable", "unreachable"],
    [127, "timeout: not found", "error"],
  ])("exit %i %j is %s", (exit, text, outcome) => expect(classifyAttempt(exit, text)).toBe(outcome));

  it("parses one line per attempt and says when an attempt never answered", () => {
    const targets = [
      { address: "10.2.0.2:5432", why: { kind: "service" as const, service: "db" } },
      { address: "1.1.1.1:443", why: { kind: "egress" as const } },
    ];
    expect(parseAttempts("10.2.0.2:5432 124 \n", targets)).toEqual([
      { ...targets[0], outcome: "timeout", detail: "no answer within 1 s" },
      { ...targets[1], outcome: "error", detail: "no answer from the attempt script" },
    ]);
  });
});

describe("parseListen", () => {
  it.each([
    ["00000000:1F90", { port: 8080, loopbackOnly: false }],
    ["0100007F:1538", { port: 5432, loopbackOnly: true }],
    ["00000000000000000000000000000000:2BCB", { port: 11211, loopbackOnly: false }],
    ["00000000000000000000000001000000:1538", { port: 5432, loopbackOnly: true }],
    ["0000000000000000FFFF00000100007F:0050", { port: 80, loopbackOnly: true }],
    ["garbage", null],
  ])("%s", (hex, want) => expect(parseListen(hex)).toEqual(want));
});
