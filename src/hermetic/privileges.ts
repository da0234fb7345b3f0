// Which privileges the engine runs with: `--privileged` first (what Dagger's
// insecureRootCapabilities amounts to), and the measured set only when this host refuses it
// (a host without CAP_SYS_RESOURCE cannot hand a container every capability: runc answers
// "unable to apply caps"). Any other failure is the engine's own and is not retried.
import type { EnginePrivileges } from "./topology.ts";

export const PRIVILEGE_ORDER: readonly EnginePrivileges[] = ["privileged", "measured-set"];

export interface StartAttempt {
  ok: boolean;
  /** What the failed start said (docker run's stderr). */
  error?: string;
}

/** The host refused the privileges themselves, not the container. */
export const refusedPrivileges = (error: string) => /unable to apply caps|operation not permitted/i.test(error);

/**
 * Starts the engine with the first privileges the host grants; `start` tries one set
 * (and removes what a refused start left). Returns the set in use and what was refused.
 */
export async function startWithPrivileges(start: (p: EnginePrivileges) => Promise<StartAttempt>): Promise<{ privileges: EnginePrivileges; refused: Array<{ privileges: EnginePrivileges; error: string }> }> {
  const refused: Array<{ privileges: EnginePrivileges; error: string }> = [];
  for (const p of PRIVILEGE_ORDER) {
    const a = await start(p);
    if (a.ok) return { privileges: p, refused };
    const error = (a.error ?? "").trim().split("\n")[0] ?? "";
    if (!refusedPrivileges(error)) throw new Error(`starting the engine (${p}): ${error}`);
    refused.push({ privileges: p, error });
  }
  throw new Error(`this host grants the engine none of ${PRIVILEGE_ORDER.join(", ")}: ${refused.map((r) => r.error).at(-1)}`);
}
