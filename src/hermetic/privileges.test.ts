// The engine's privilege choice: --privileged where the host grants it, the measured set
// where it refuses ("unable to apply caps"), and no retry for any other failure.
import { describe, expect, it } from "vitest";
import { PRIVILEGE_ORDER, refusedPrivileges, startWithPrivileges, type StartAttempt } from "./privileges.ts";
import type { EnginePrivileges } from "./topology.ts";

// What runc says on a host without CAP_SYS_RESOURCE (seen on this machine: docker run --privileged)
const REFUSED = "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: unable to apply caps: operation not permitted: unknown";

function host(answers: Partial<Record<EnginePrivileges, StartAttempt>>) {
  const tried: EnginePrivileges[] = [];
  const start = async (p: EnginePrivileges) => {
    tried.push(p);
    return answers[p] ?? { ok: true };
  };
  return { tried, start };
}

describe("engine privileges", () => {
  it("tries --privileged first and keeps it where the host grants it", async () => {
    const h = host({});
    expect(await startWithPrivileges(h.start)).toEqual({ privileges: "privileged", refused: [] });
    expect(h.tried).toEqual(["privileged"]);
    expect(PRIVILEGE_ORDER[0]).toBe("privileged");
  });

  it("falls back to the measured set when the host refuses the capabilities, and says what was refused", async () => {
    const h = host({ privileged: { ok: false, error: REFUSED } });
    const r = await startWithPrivileges(h.start);
    expect(r.privileges).toBe("measured-set");
    expect(r.refused).toEqual([{ privileges: "privileged", error: REFUSED }]);
    expect(h.tried).toEqual(["privileged", "measured-set"]);
  });

  it("does not retry a failure that is not about privileges (a missing image is missing either way)", async () => {
    const h = host({ privileged: { ok: false, error: "Unable to find image 'apex/ci-engine:x' locally\nerror" } });
    await expect(startWithPrivileges(h.start)).rejects.toThrow(/starting the engine \(privileged\): Unable to find image/);
    expect(h.tried).toEqual(["privileged"]);
  });

  it("fails naming the last refusal when the host grants neither", async () => {
    const h = host({ privileged: { ok: false, error: REFUSED }, "measured-set": { ok: false, error: REFUSED } });
    await expect(startWithPrivileges(h.start)).rejects.toThrow(/grants the engine none of privileged, measured-set: .*unable to apply caps/);
  });

  it("recognises the refusal and nothing else", () => {
    expect(refusedPrivileges(REFUSED)).toBe(true);
    expect(refusedPrivileges("port is already allocated")).toBe(false);
  });
});
