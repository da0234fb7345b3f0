// runtime/network-isolation on the real stack: with its tiers intact every container is cut
// off from the services it shares no network with, and the internal tiers from the way out
// of the host; a container connected by hand to a network compose never gave it is caught.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, mustSucceed } from "../docker.ts";
import { testStack } from "../manage/testStack.ts";
import { runProbes } from "../probe.ts";
import type { CheckResult } from "../types.ts";

const ID = "runtime/network-isolation";
const s = testStack("apex-net");
const isolation = async (services?: string[]) => (await runProbes({ target: s.target, ...(services ? { services } : {}) })).filter((r) => r.id === ID);
const of = (rs: CheckResult[], service: string) => rs.find((r) => r.service === service)!;
const container = async (service: string) => mustSucceed(await s.compose(["ps", "-q", service]), "ps").stdout.trim();

beforeAll(() => s.up(), 600_000);
afterAll(() => s.down());

describe("runtime/network-isolation", () => {
  it("passes on every service of the intact stack, having tried what each must not reach", async () => {
    const rs = await isolation();
    expect(rs.map((r) => `${r.service}: ${r.status}`).sort()).toEqual(rs.map((r) => `${r.service}: pass`).sort());
    expect(rs.length).toBeGreaterThanOrEqual(7);
    // memcached (app tier only) must not reach postgres (db tier), nor leave the host
    expect(of(rs, "memcached").message).toMatch(/none reached: .*postgres.*address\(es\) outside the host/);
    // the api (edge + app) must not reach postgres either, but its edge network has a way out
    expect(of(rs, "api").message).toMatch(/none reached: .*postgres/);
    expect(of(rs, "api").message).not.toMatch(/outside the host/);
  });

  it("fails on the api once it is connected by hand to the db network: it reaches postgres", async () => {
    const net = `${s.target.projectName}_db`;
    const api = await container("api");
    mustSucceed(await docker(["network", "connect", net, api]), "network connect");
    try {
      const r = of(await isolation(["api", "postgres"]), "api");
      expect(r.status).toBe("fail");
      expect(r.message).toMatch(/^reached postgres at [\d.]+:5432 \(connected\), though it shares no network with postgres/);
      expect(JSON.stringify(r.evidence)).toMatch(/5432 connected \(postgres\)/);
    } finally {
      await docker(["network", "disconnect", net, api]);
    }
  });

  it("fails on memcached once it has a route out: the host's gateway answers", async () => {
    const memcached = await container("memcached");
    mustSucceed(await docker(["network", "connect", "bridge", memcached]), "network connect bridge");
    try {
      const r = of(await isolation(["memcached"]), "memcached");
      expect(r.status).toBe("fail");
      expect(r.message).toMatch(/\(outside the host\) \((connected|refused)\), though it is on internal networks only/);
    } finally {
      await docker(["network", "disconnect", "bridge", memcached]);
    }
  });
});
