// Where the verified stack ran: on the caller's Docker host, in a hermetic engine (apex
// verify --hermetic) or in Dagger's Docker-in-Dagger service, and with which privileges the
// engine container ran. The runner that starts the inner verify says so in two variables;
// a verify started by hand on a Docker host sets neither and reports "host".
import { UsageError } from "../errors.ts";

export const TOPOLOGIES = ["host", "hermetic", "dagger"] as const;
export const PRIVILEGES = ["privileged", "measured-set"] as const;
/** Where an engine container keeps /var/lib/docker (src/hermetic/storage.ts chooses). */
export const STORAGES = ["tmpfs", "volume"] as const;
export type EngineTopology = (typeof TOPOLOGIES)[number];
export type EnginePrivilegeMode = (typeof PRIVILEGES)[number];
export type EngineStorageMode = (typeof STORAGES)[number];

export interface EngineEnvironment {
  topology: EngineTopology;
  /** How the engine container got dockerd's privileges; absent on a plain Docker host. */
  privileges?: EnginePrivilegeMode;
  /** Where the engine container keeps /var/lib/docker (the hermetic runner says). */
  storage?: EngineStorageMode;
}

export const TOPOLOGY_VAR = "APEX_ENGINE_TOPOLOGY";
export const PRIVILEGES_VAR = "APEX_ENGINE_PRIVILEGES";
export const STORAGE_VAR = "APEX_ENGINE_STORAGE";

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${name}=${value} is none of ${allowed.join(", ")}`);
}

/** The engine this run verified on, from the runner's variables (a bad value is a usage error). */
export function engineEnvironment(env: NodeJS.ProcessEnv = process.env): EngineEnvironment {
  const topology = oneOf(TOPOLOGY_VAR, env[TOPOLOGY_VAR] || "host", TOPOLOGIES);
  const p = env[PRIVILEGES_VAR];
  const st = env[STORAGE_VAR];
  for (const [name, v] of [[PRIVILEGES_VAR, p], [STORAGE_VAR, st]] as const)
    if (topology === "host" && v) throw new UsageError(`${name} applies to an engine container; ${TOPOLOGY_VAR} is host`);
  return {
    topology,
    ...(p ? { privileges: oneOf(PRIVILEGES_VAR, p, PRIVILEGES) } : {}),
    ...(st ? { storage: oneOf(STORAGE_VAR, st, STORAGES) } : {}),
  };
}

/** The variables a runner hands the inner verify. */
export const engineVariables = (e: EngineEnvironment): Record<string, string> => ({
  [TOPOLOGY_VAR]: e.topology,
  ...(e.privileges ? { [PRIVILEGES_VAR]: e.privileges } : {}),
  ...(e.storage ? { [STORAGE_VAR]: e.storage } : {}),
});

/** "hermetic engine, measured-set privileges, /var/lib/docker on tmpfs" / "host Docker engine". */
export const describeEngine = (e: EngineEnvironment) =>
  e.topology === "host" ? "host Docker engine" : `${e.topology} engine, ${e.privileges ?? "unknown"} privileges${e.storage ? `, /var/lib/docker on ${e.storage}` : ""}`;
