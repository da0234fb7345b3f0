// Air-gapped builds: each of the repository's Dockerfiles read as Container operations (no
// engine needed), what cannot be replayed refused with file and line, and the module using
// the plan, not dockerBuild, when the base is an imported Container (through the recording
// fake of ci/test/steps.test.ts's kind: no Dagger engine runs here).
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOn } from "../src/base.ts";
import { DockerfilePlanError, dockerfilePlan } from "../src/dockerfile-plan.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const dockerfiles = [
  ...readdirSync(join(ROOT, "services")).map((s) => `services/${s}/Dockerfile`),
  "ci/images/toolbox/Dockerfile",
  "ci/images/engine/Dockerfile",
].filter((f) => { try { return !!readFileSync(join(ROOT, f)); } catch { return false; } });
const plan = (f: string) => dockerfilePlan(readFileSync(join(ROOT, f), "utf8"), f);

describe("Dockerfiles as Container operations (air-gapped base)", () => {
  it("every Dockerfile of the repository has a plan; each ends as its Dockerfile says (user, command)", () => {
    expect(dockerfiles.length).toBeGreaterThanOrEqual(8);
    for (const f of dockerfiles) {
      const ops = plan(f);
      expect(ops.some((o) => o.op === "exec"), f).toBe(true);
      expect(ops.filter((o) => o.op === "cmd"), f).toHaveLength(1);
      expect(ops.some((o) => o.op === "user"), f).toBe(true);
    }
  });

  it("postgres: ENV keeps $PATH for the container to expand, COPY keeps --chown/--chmod, HEALTHCHECK keeps its timings", () => {
    const ops = plan("services/postgres/Dockerfile");
    expect(ops).toContainEqual({ op: "env", name: "PATH", value: "/usr/lib/postgresql/17/bin:$PATH" });
    expect(ops).toContainEqual({ op: "copy", src: "entrypoint.sh", dest: "/apex/entrypoint.sh", dir: false, owner: "999:999", permissions: 0o555 });
    expect(ops).toContainEqual({ op: "copy", src: "bin", dest: "/usr/local/bin/", dir: true, owner: "999:999", permissions: 0o555 });
    expect(ops.find((o) => o.op === "healthcheck")).toMatchObject({ interval: "5s", retries: 5, shell: false });
    expect(ops.at(-1)).toEqual({ op: "cmd", argv: ["postgres"] });
  });

  it("the engine: shell-form RUN goes through /bin/sh -c with continuations joined; the entrypoint as declared", () => {
    const ops = plan("ci/images/engine/Dockerfile");
    const run = ops.find((o) => o.op === "exec")!;
    expect(run).toMatchObject({ argv: ["/bin/sh", "-c", expect.stringMatching(/^apt-get update +&& DEBIAN_FRONTEND/)] });
    expect(JSON.stringify(run)).not.toMatch(/\\\\\\n/);
    expect(ops).toContainEqual({ op: "entrypoint", argv: ["/apex/engine-entrypoint.sh"] });
    expect(ops).toContainEqual({ op: "expose", port: 2375, protocol: "TCP" });
  });

  it("refuses what it cannot replay, naming the Dockerfile and line", () => {
    const bad = (text: string) => () => dockerfilePlan(text, "x/Dockerfile");
    expect(bad("FROM debian\nRUN true\n")).toThrow(/^x\/Dockerfile:1: FROM must start from \$\{BASE_IMAGE\}/);
    expect(bad("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY --from=build /a /b\n")).toThrow(/x\/Dockerfile:3: COPY --from/);
    expect(bad("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nADD a.tgz /\n")).toThrow(/x\/Dockerfile:3: ADD is not supported/);
    expect(bad("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nFROM ${BASE_IMAGE}\n")).toThrow(/:3: FROM a second stage/);
    expect(bad("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCMD node server.js\n")).toThrow(/:3: CMD in shell form/);
    expect(bad("RUN true\n")).toThrow(DockerfilePlanError);
  });

  it("the module replays the plan on an imported base instead of calling dockerBuild", async () => {
    // recording fake (no engine here): a Container whose calls are noted, and a context
    // Directory that serves the real services/memcached/Dockerfile
    const calls: string[] = [];
    const fake = (): unknown => new Proxy(() => undefined, {
      get: (_, p) => (p === "then" ? undefined : (...a: unknown[]) => (calls.push(`${String(p)} ${JSON.stringify(a[0])}`), fake())),
    });
    const context = { file: () => ({ contents: async () => readFileSync(join(ROOT, "services/memcached/Dockerfile"), "utf8") }), directory: fake, dockerBuild: () => calls.push("dockerBuild") };
    await buildOn(context as never, fake() as never, "services/memcached/Dockerfile");
    expect(calls).not.toContain("dockerBuild");
    expect(calls.filter((c) => c.startsWith("withUser"))).toEqual(['withUser "1003:1003"']);
    expect(calls.at(-1)).toBe(`withDefaultArgs ${JSON.stringify(["-l", "0.0.0.0", "-p", "11211", "-U", "0", "-m", "64", "-c", "1024"])}`);
    // a name still goes through dockerBuild with BASE_IMAGE
    await buildOn(context as never, "debian:trixie-slim", "services/memcached/Dockerfile");
    expect(calls.at(-1)).toBe("dockerBuild");
  });
});
