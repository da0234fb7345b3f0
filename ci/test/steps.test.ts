// One list of steps for both runners (DESIGN.md decision 7): the Dagger module's
// verification() and `apex verify --hermetic` both run ci/src/steps.ts's VERIFY_STEPS
// through runSteps, so neither can add, drop or reorder a step on its own.
//
// THE ONE MOCK OF THE PROJECT: no Dagger engine can run here, so the Dagger objects
// verification() is handed (the source Directory and every Container, Directory and
// Service chained from it) are a recording fake that notes each call and returns another
// fake. `dag.cacheVolume` is the SDK's own, which only builds a query and sends nothing.
// The hermetic side runs for real in src/hermetic/hermetic.docker.test.ts, which asserts
// the same VERIFY_STEPS order from the steps that run printed.
import { describe, expect, it } from "vitest";
import { BUNDLE, loadThen, NPM_INSTALL, REPORT_DIR } from "../src/commands.ts";
import { ENGINE_VARIABLES, verification } from "../src/engine.ts";
import { runSteps, VERIFY_STEPS, verifyArgv, type VerifyStep } from "../src/steps.ts";
import { innerVerifyArgv } from "../../src/hermetic/run.ts";
import { engineEnvironment } from "../../src/report/environment.ts";

interface Call {
  on: string;
  method: string;
  args: unknown[];
}

/** A Dagger object that records every call made on it and on what it returns. */
function recorder(calls: Call[], on = "source"): unknown {
  return new Proxy(() => undefined, {
    get(_, prop) {
      if (prop === "then") return undefined; // not a promise: `await` must not wait on it
      if (prop === "exitCode") return async () => 0;
      if (prop === "glob") return async () => ["services/api/Dockerfile", "services/postgres/Dockerfile"];
      return (...args: unknown[]) => {
        calls.push({ on, method: String(prop), args });
        return recorder(calls, `${on}.${String(prop)}`);
      };
    },
  });
}

async function daggerRun(strict = false) {
  const calls: Call[] = [];
  const steps: VerifyStep[] = [];
  await verification(recorder(calls) as never, "debian:trixie-slim", "run-1", { strict, onStep: (s) => steps.push(s) });
  return { calls, steps, execs: calls.filter((c) => c.method === "withExec").map((c) => c.args[0] as string[]) };
}

describe("one list of steps", () => {
  it("runSteps runs every step of VERIFY_STEPS once, in order, and stops at the first that fails", async () => {
    const ran: string[] = [];
    const impls = Object.fromEntries(VERIFY_STEPS.map((s) => [s, () => void ran.push(s)]));
    await runSteps(impls as never);
    expect(ran).toEqual([...VERIFY_STEPS]);
    const upTo: string[] = [];
    const failing = Object.fromEntries(VERIFY_STEPS.map((s) => [s, () => { upTo.push(s); if (s === "engine") throw new Error("no engine"); }]));
    await expect(runSteps(failing as never)).rejects.toThrow("no engine");
    expect(upTo).toEqual(VERIFY_STEPS.slice(0, VERIFY_STEPS.indexOf("engine") + 1));
  });

  it("the Dagger module runs VERIFY_STEPS in order (recorded through the fake)", async () => {
    expect((await daggerRun()).steps).toEqual([...VERIFY_STEPS]);
  });

  it("its execs: npm install, the bundle, then one exec that loads the images and runs the shared verify argv", async () => {
    const { execs } = await daggerRun();
    const verifyExec = loadThen(verifyArgv({}, REPORT_DIR));
    // buildImages bundles on a chain of its own (the images' contexts): the workspace's
    // own install and bundle come first, the verify exec last
    expect(execs.at(-1)).toEqual(verifyExec);
    expect(execs.slice(0, 2)).toEqual([NPM_INSTALL, BUNDLE]);
    expect(execs.filter((e) => e === verifyExec || JSON.stringify(e) === JSON.stringify(verifyExec))).toHaveLength(1);
  });

  it("the inner verify is the same argv on both sides (the hermetic one adds only the caller's choices)", () => {
    expect(innerVerifyArgv({ compose: [], profile: [], format: [], out: "x" }, REPORT_DIR)).toEqual(verifyArgv({}, REPORT_DIR));
    expect(verifyArgv({}, REPORT_DIR)).toEqual(["node", "bin/apex.mjs", "verify", "--no-build", "--out", REPORT_DIR]);
  });

  it("the Dagger verify says where it ran in the variables the report reads (dagger, privileged)", async () => {
    const { calls } = await daggerRun();
    const env = Object.fromEntries(calls.filter((c) => c.method === "withEnvVariable").map((c) => c.args as [string, string]));
    expect(env).toMatchObject(ENGINE_VARIABLES);
    expect(engineEnvironment(env)).toEqual({ topology: "dagger", privileges: "privileged" });
  });

  it("strict (gate, release) makes a failing verify a failing exec; verify tolerates it", async () => {
    const expectOf = async (strict: boolean) => ((await daggerRun(strict)).calls.filter((c) => c.method === "withExec").at(-1)!.args[1] as { expect: string }).expect;
    expect(await expectOf(true)).toBe("SUCCESS");
    expect(await expectOf(false)).toBe("ANY");
  });
});
