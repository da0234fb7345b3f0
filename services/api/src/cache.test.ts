import { describe, expect, it } from "vitest";
import { readThrough, type CacheStore } from "./cache.ts";

/** A real in-process store with the same contract as the valkey/memcached adapters. */
function mapStore(): CacheStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, get: async (k) => data.get(k) ?? null, set: async (k, v) => void data.set(k, v) };
}

const brokenStore: CacheStore = {
  get: async () => Promise.reject(new Error("ECONNREFUSED")),
  set: async () => Promise.reject(new Error("ECONNREFUSED")),
};

describe("readThrough", () => {
  it("misses, loads and stores on the first read, then hits without loading", async () => {
    const store = mapStore();
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const first = await readThrough(store, "k", 5, load, () => undefined);
    const second = await readThrough(store, "k", 5, load, () => undefined);
    expect(first).toEqual({ value: { n: 1 }, hit: false });
    expect(second).toEqual({ value: { n: 1 }, hit: true });
    expect(loads).toBe(1);
  });

  it("serves from the loader as a miss when the cache is down, and reports both failures", async () => {
    const errors: string[] = [];
    const r = await readThrough(brokenStore, "k", 5, async () => "fresh", (op) => errors.push(op));
    expect(r).toEqual({ value: "fresh", hit: false });
    expect(errors).toEqual(["get", "set"]);
  });

  it("propagates a loader failure (the database is not optional)", async () => {
    await expect(readThrough(mapStore(), "k", 5, () => Promise.reject(new Error("db down")), () => undefined)).rejects.toThrow("db down");
  });
});
