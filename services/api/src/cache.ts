// Read-through caching with the hit/miss outcome exposed for the x-cache header. A cache
// that is down is a miss (the value still comes from postgres); /health reports the outage.
import type { Valkey } from "iovalkey";
import type memjs from "memjs";

export interface CacheStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

export function valkeyStore(client: Valkey): CacheStore {
  return {
    get: (key) => client.get(key),
    async set(key, value, ttl) {
      await client.set(key, value, "EX", ttl);
    },
  };
}

export function memcachedStore(client: memjs.Client): CacheStore {
  return {
    async get(key) {
      const { value } = await client.get(key);
      return value ? value.toString("utf8") : null;
    },
    async set(key, value, ttl) {
      await client.set(key, value, { expires: ttl });
    },
  };
}

export interface Cached<T> {
  value: T;
  hit: boolean;
}

export async function readThrough<T>(
  store: CacheStore,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T>,
  onCacheError: (op: "get" | "set", err: unknown) => void,
): Promise<Cached<T>> {
  try {
    const raw = await store.get(key);
    if (raw !== null) return { value: JSON.parse(raw) as T, hit: true };
  } catch (err) {
    onCacheError("get", err);
  }
  const value = await load();
  try {
    await store.set(key, JSON.stringify(value), ttlSeconds);
  } catch (err) {
    onCacheError("set", err);
  }
  return { value, hit: false };
}
