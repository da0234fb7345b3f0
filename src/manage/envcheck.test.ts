import { describe, expect, it } from "vitest";
import type { ResolvedCompose } from "../sources/compose.ts";
import { checkEnv, renderEnv } from "./envcheck.ts";

const hardened = { cap_drop: ["ALL"], security_opt: ["no-new-privileges:true"], read_only: true };

describe("manage env (envcheck)", () => {
  it("passes when every long-running service keeps the posture and volume_prep is exempt", () => {
    const model: ResolvedCompose = { name: "x", services: { api: hardened, postgres: hardened, volume_prep: { user: "0:0" } } };
    const f = checkEnv(model);
    expect(f.every((x) => x.ok)).toBe(true);
    expect(f.find((x) => x.service === "volume_prep")?.property).toBe("exempt");
    expect(renderEnv(f)).toMatch(/ok api/);
  });

  it("fails a service that lost ALL, no-new-privileges or the read-only root, or is privileged", () => {
    const model: ResolvedCompose = {
      name: "x",
      services: {
        a: { ...hardened, cap_drop: ["NET_RAW"] },
        b: { ...hardened, security_opt: ["seccomp=unconfined"] },
        c: { ...hardened, read_only: false },
        d: { ...hardened, privileged: true },
      },
    };
    const bad = checkEnv(model).filter((x) => !x.ok).map((x) => `${x.service}:${x.property}`);
    expect(bad).toEqual(["a:cap_drop", "b:no-new-privileges", "c:read_only", "d:privileged"]);
  });

  it("accepts the no-new-privileges spellings Docker accepts", () => {
    for (const o of ["no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"])
      expect(checkEnv({ name: "x", services: { s: { ...hardened, security_opt: [o] } } }).every((x) => x.ok)).toBe(true);
    expect(checkEnv({ name: "x", services: { s: { ...hardened, security_opt: ["no-new-privileges:false"] } } }).some((x) => !x.ok)).toBe(true);
  });

  it("exempts only what it is told to", () => {
    const f = checkEnv({ name: "x", services: { volume_prep: {} } }, {});
    expect(f.some((x) => !x.ok)).toBe(true);
  });
});
