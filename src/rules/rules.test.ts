// kube-score style scenario tests: one line per fixture file → the exact rule ids that
// fail for service "api". Each rule has a fixture that breaks it, and every rule passes
// on the intact fixture. (Needs the docker CLI for `docker compose config`, no daemon.)
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyModel, ServiceModel } from "../model.ts";
import { evaluate } from "../policy.ts";
import { parseDockerfile, readDockerfile } from "../sources/dockerfile.ts";
import { deriveUsers, loadModel } from "../sources/load.ts";
import type { CheckResult } from "../types.ts";
import { rules } from "./registry.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
const TD = join(here, "../testdata/policy");

const load = (file: string) => loadModel({ files: [join(TD, file)] }, { readImages: false, repoRoot });
const failing = (results: CheckResult[], service = "api") =>
  results.filter((r) => r.service === service && r.status === "fail").map((r) => r.id).sort();

const composeCases: Array<[string, string[]]> = [
  ["compose/anchor-not-merged.yaml", ["compose/anchor-merged"]],
  ["compose/anchor-list-replaced.yaml", ["compose/anchor-list-replaced", "compose/no-new-privileges"]],
  ["compose/cap-drop-not-all.yaml", ["compose/cap-drop-all"]],
  ["compose/cap-add.yaml", ["compose/cap-add-justified"]],
  ["compose/privileged.yaml", ["compose/no-privileged"]],
  ["compose/no-new-privileges-missing.yaml", ["compose/no-new-privileges"]],
  ["compose/seccomp-unconfined.yaml", ["compose/seccomp-confined"]],
  ["compose/read-only-off.yaml", ["compose/read-only-rootfs"]],
  ["compose/tmpfs-wrong-uid.yaml", ["compose/tmpfs-owner"]],
  ["compose/tmpfs-long-syntax.yaml", ["compose/tmpfs-owner"]],
  ["compose/tmpfs-exec.yaml", ["compose/tmpfs-options"]],
  ["compose/user-mismatch.yaml", ["compose/user-matches-image"]],
  ["compose/no-pids-limit.yaml", ["compose/pids-limit"]],
  ["compose/no-memory-limit.yaml", ["compose/memory-limit"]],
  ["compose/no-cpu-limit.yaml", ["compose/cpu-limit"]],
  ["compose/no-healthcheck.yaml", ["compose/healthcheck"]],
  ["compose/healthcheck-disabled.yaml", ["compose/healthcheck"]],
  ["compose/no-restart.yaml", ["compose/restart-policy"]],
  ["compose/host-pid.yaml", ["compose/no-host-namespaces"]],
  ["compose/docker-socket.yaml", ["compose/no-docker-socket"]],
  ["compose/sensitive-host-path.yaml", ["compose/no-sensitive-host-paths"]],
  ["compose/port-all-interfaces.yaml", ["compose/ports-bound-to-interface"]],
  ["compose/privileged-port.yaml", ["compose/no-privileged-ports"]],
  ["compose/devices.yaml", ["compose/no-devices"]],
  ["compose/build-ssh.yaml", ["compose/build-stays-in-repo"]],
  ["compose/secret-file-outside.yaml", ["compose/files-stay-in-repo"]],
  ["compose/secret-in-env.yaml", ["compose/no-secrets-in-env"]],
  ["compose/network-flat.yaml", ["compose/network-tiers"]],
];

const dockerfileCases: Array<[string, string[]]> = [
  ["dockerfiles/user-root.Dockerfile", ["compose/user-matches-image", "dockerfile/user-non-root"]],
  ["dockerfiles/user-named.Dockerfile", ["dockerfile/user-numeric"]],
  ["dockerfiles/user-not-created.Dockerfile", ["dockerfile/user-created"]],
  ["dockerfiles/useradd-without-l.Dockerfile", ["dockerfile/useradd-no-log-init"]],
  ["dockerfiles/copy-chown-mismatch.Dockerfile", ["dockerfile/copy-chown"]],
  ["dockerfiles/workdir-relative.Dockerfile", ["dockerfile/workdir-absolute"]],
  ["dockerfiles/workdir-owned-by-other.Dockerfile", ["dockerfile/workdir-owned"]],
  ["dockerfiles/add-instead-of-copy.Dockerfile", ["dockerfile/copy-not-add"]],
  ["dockerfiles/sudo.Dockerfile", ["dockerfile/no-sudo"]],
  ["dockerfiles/secret-in-env.Dockerfile", ["dockerfile/no-secrets-in-env"]],
  ["dockerfiles/setuid-kept.Dockerfile", ["dockerfile/no-setuid"]],
];

let intact: PolicyModel;
beforeAll(async () => {
  intact = await load("intact/compose.yaml");
});

/** The intact model with api's Dockerfile (or image config) swapped: facts in, verdicts out. */
function withApi(change: (api: ServiceModel) => void): CheckResult[] {
  const api = structuredClone(intact.services.find((s) => s.name === "api")!);
  change(api);
  deriveUsers(api);
  return evaluate({ ...intact, services: [api] });
}

describe("intact fixture", () => {
  it("passes every rule (nothing fails or is skipped except the image check without an image)", () => {
    const results = evaluate(intact);
    expect(failing(results)).toEqual([]);
    expect(results.filter((r) => r.status === "skip").map((r) => r.id)).toEqual(["image/config-matches-dockerfile", "image/user-non-root"]);
    expect(results).toHaveLength(rules.length);
  });
});

describe("compose fixtures", () => {
  it.each(composeCases)("%s → %j", async (file, ids) => {
    const results = evaluate(await load(file));
    expect(failing(results)).toEqual([...ids].sort());
    for (const r of results.filter((x) => x.status === "fail")) {
      expect(r.location?.file).toBe(relative(repoRoot, join(TD, file)));
      expect(r.location?.line).toBeGreaterThan(0);
      expect(r.evidence.length).toBeGreaterThan(0);
    }
  });
});

describe("Dockerfile fixtures", () => {
  it.each(dockerfileCases)("%s → %j", (file, ids) => {
    const results = withApi((api) => {
      api.dockerfile = readDockerfile(join(TD, file), relative(repoRoot, join(TD, file)));
    });
    expect(failing(results)).toEqual([...ids].sort());
    const own = results.filter((r) => r.status === "fail" && r.id.startsWith("dockerfile/"));
    for (const r of own) expect(r.location).toMatchObject({ file: relative(repoRoot, join(TD, file)), line: expect.any(Number) });
  });
});

// Precision as well as recall (hadolint's specs): inputs a rule must NOT flag.
describe("must not flag", () => {
  it("apt-get install sudo: installing the package is not running sudo (dockerfile/no-sudo)", () => {
    const file = "good/sudo-package.Dockerfile";
    const results = withApi((api) => {
      api.dockerfile = readDockerfile(join(TD, file), relative(repoRoot, join(TD, file)));
    });
    expect(failing(results)).toEqual([]);
    expect(results.find((r) => r.id === "dockerfile/no-sudo")?.status).toBe("pass");
  });
  it.each([
    ["RUN sudo apt-get update", true],
    ["RUN env DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y curl", true],
    ["RUN /usr/bin/sudo -u app true", true],
    ["RUN apt-get install -y sudo", false],
    ["RUN echo sudo > /etc/motd", false],
    ["RUN useradd -G sudo app", false],
  ])("%s → flagged %s", (run, flagged) => {
    const results = withApi((api) => {
      const df = api.dockerfile!;
      const at = df.instructions.findIndex((i) => i.keyword === "WORKDIR");
      const parsed = parseDockerfile(`FROM scratch\n${run}\n`, "inline.Dockerfile").instructions.find((i) => i.keyword === "RUN")!;
      df.instructions.splice(at, 0, parsed);
    });
    expect(results.find((r) => r.id === "dockerfile/no-sudo")?.status).toBe(flagged ? "fail" : "pass");
  });
  it("an edge network for the published port beside an internal one (compose/network-tiers)", async () => {
    const results = evaluate(await load("good/network-tiers.yaml"));
    expect(failing(results)).toEqual([]);
    expect(results.find((r) => r.id === "compose/network-tiers")?.message).toBe("networks app, edge (edge: edge)");
  });
  it("security_opt no-new-privileges=true is no-new-privileges (compose/no-new-privileges, the matrix)", async () => {
    const model = await load("good/nnp-equals-true.yaml");
    const results = evaluate(model);
    expect(failing(results)).toEqual([]);
    expect(results.find((r) => r.id === "compose/no-new-privileges" && r.service === "api")?.status).toBe("pass");
  });
});

/** The intact model with api's resolved service changed: each row is a case a rule must NOT
 *  flag next to the one it must (precision and recall on the same fact). */
function withResolved(change: (r: ServiceModel["resolved"]) => void): CheckResult[] {
  return withApi((api) => change(api.resolved));
}
const status = (results: CheckResult[], id: string) => results.find((r) => r.id === id)?.status;

describe("must not flag, beside what must be flagged", () => {
  const cases: Array<[string, string, (r: ServiceModel["resolved"]) => void, "pass" | "fail"]> = [
    ["cap_drop: [all] (any case)", "compose/cap-drop-all", (r) => (r.cap_drop = ["all"]), "pass"],
    ["cap_drop: [NET_RAW]", "compose/cap-drop-all", (r) => (r.cap_drop = ["NET_RAW"]), "fail"],
    ["a custom seccomp profile", "compose/seccomp-confined", (r) => (r.security_opt = ["no-new-privileges:true", "seccomp=/etc/apex/seccomp.json"]), "pass"],
    ["seccomp:unconfined", "compose/seccomp-confined", (r) => (r.security_opt = ["no-new-privileges:true", "seccomp:unconfined"]), "fail"],
    ["container port 80 on host port 8080", "compose/no-privileged-ports", (r) => (r.ports = [{ target: 80, published: "8080", host_ip: "127.0.0.1" }]), "pass"],
    ["host port 80", "compose/no-privileged-ports", (r) => (r.ports = [{ target: 8080, published: "80", host_ip: "127.0.0.1" }]), "fail"],
    ["an ephemeral host port (0)", "compose/no-privileged-ports", (r) => (r.ports = [{ target: 8080, published: "0", host_ip: "127.0.0.1" }]), "pass"],
    ["deploy.resources.limits.memory instead of mem_limit", "compose/memory-limit", (r) => { delete r.mem_limit; r.deploy = { resources: { limits: { memory: "268435456" } } }; }, "pass"],
    ["no memory limit at all", "compose/memory-limit", (r) => { delete r.mem_limit; delete r.deploy; }, "fail"],
    ["deploy.resources.limits.pids instead of pids_limit", "compose/pids-limit", (r) => { delete r.pids_limit; r.deploy = { resources: { limits: { pids: 64 } } }; }, "pass"],
    ["deploy.restart_policy instead of restart", "compose/restart-policy", (r) => { delete r.restart; r.deploy = { restart_policy: { condition: "on-failure" } }; }, "pass"],
    ["restart: no", "compose/restart-policy", (r) => { r.restart = "no"; delete r.deploy; }, "fail"],
    ["network_mode: none", "compose/no-host-namespaces", (r) => (r.network_mode = "none"), "pass"],
    ["pid: service:other (shared with a service, not the host)", "compose/no-host-namespaces", (r) => (r.pid = "service:other"), "pass"],
    ["network_mode: host", "compose/no-host-namespaces", (r) => (r.network_mode = "host"), "fail"],
    ["privileged: false written out", "compose/no-privileged", (r) => (r.privileged = false), "pass"],
    ["PGPASSWORD_FILE pointing at a secret file", "compose/no-secrets-in-env", (r) => (r.environment = { PGPASSWORD_FILE: "/run/secrets/app_db_password", DATABASE_URL: "postgres://pghero@postgres:5432/apex" }), "pass"],
    ["a token in the environment", "compose/no-secrets-in-env", (r) => (r.environment = { GITHUB_TOKEN: "ghp_x" }), "fail"],
    ["a password on the command line", "compose/no-secrets-in-env", (r) => (r.command = ["serve", "--password=x"]), "fail"],
  ];
  it.each(cases)("%s → %s %s", (_, id, change, want) => {
    expect(status(withResolved(change), id)).toBe(want);
  });

  it.each([
    ["ENV PGPASSWORD_FILE=/run/secrets/app_db_password", "pass"],
    ["ARG TOKEN_URL=https://example.invalid/token", "pass"],
    ["ARG GITHUB_TOKEN", "fail"],
    ["ENV DB_PASSWORD=hunter2", "fail"],
    ["ENV PASSWORD_FILE /run/secrets/x", "pass"],
  ])("%s → dockerfile/no-secrets-in-env %s", (line, want) => {
    const results = withApi((api) => {
      const parsed = parseDockerfile(`FROM scratch\n${line}\n`, "inline.Dockerfile").instructions.at(-1)!;
      api.dockerfile!.instructions.splice(1, 0, parsed);
    });
    expect(status(results, "dockerfile/no-secrets-in-env")).toBe(want);
  });
});

describe("image config", () => {
  it("a local image whose WORKDIR differs from the Dockerfile is reported as stale", () => {
    const results = withApi((api) => {
      api.image = { ref: "apex-fixture/api:test", id: "sha256:0", user: "1000:1000", workingDir: "/srv" };
    });
    expect(failing(results)).toEqual(["image/config-matches-dockerfile"]);
  });
  it("a local image that matches passes, and its Config.User is the image USER", () => {
    const results = withApi((api) => {
      api.image = { ref: "apex-fixture/api:test", id: "sha256:0", user: "1000:1000", workingDir: "/app" };
    });
    expect(failing(results)).toEqual([]);
    expect(results.find((r) => r.id === "image/config-matches-dockerfile")?.status).toBe("pass");
  });
  it("an image running as root fails image/user-non-root; with no Dockerfile, dockerfile/user-non-root does not judge it", () => {
    const results = withApi((api) => {
      api.dockerfile = undefined;
      api.image = { ref: "up/stream:1", id: "sha256:0", user: "", workingDir: "/" };
    });
    expect(failing(results)).toEqual(["compose/user-matches-image", "image/user-non-root"]);
    expect(results.find((r) => r.id === "image/user-non-root")?.message).toBe('image up/stream:1 runs as root (Config.User "")');
    expect(results.find((r) => r.id === "dockerfile/user-non-root")).toMatchObject({ status: "skip", message: expect.stringContaining("no Dockerfile") });
  });
  it("a stale image: USER root in the Dockerfile fails dockerfile/user-non-root although the image says 1000", () => {
    const results = withApi((api) => {
      api.dockerfile = parseDockerfile("FROM debian:trixie-slim\nUSER root\n", "stale.Dockerfile");
      api.image = { ref: "apex-fixture/api:stale", id: "sha256:0", user: "1000", workingDir: "/" };
    });
    expect(results.find((r) => r.id === "dockerfile/user-non-root")).toMatchObject({ status: "fail", message: "Dockerfile runs as root (root)", location: { file: "stale.Dockerfile", line: 2 } });
    expect(results.find((r) => r.id === "image/user-non-root")?.status).toBe("pass");
    expect(results.find((r) => r.id === "image/config-matches-dockerfile")).toMatchObject({ status: "fail", message: 'image USER "1000" but Dockerfile USER "root"' });
  });
});

describe("the seed's current configuration", () => {
  const expected = ["compose/tmpfs-owner", "dockerfile/copy-chown", "dockerfile/workdir-owned"];
  it.each(["api", "worker"])("reports exactly the seed's three problems for %s, with the seed's fixes", async (service) => {
    const results = evaluate(await load("seed-current/compose.yaml"));
    // (the seed's services also share one flat network, which the seed never mentions)
    expect(failing(results, service).filter((id) => id !== "compose/network-tiers")).toEqual(expected);
    const byId = Object.fromEntries(results.filter((r) => r.service === service).map((r) => [r.id, r]));
    expect(byId["compose/tmpfs-owner"]!.remediation).toContain("/tmp:uid=1000,gid=1000,mode=1777");
    expect(byId["compose/tmpfs-owner"]!.location).toEqual({ file: "src/testdata/policy/seed-current/compose.yaml", line: service === "api" ? 22 : 32 });
    expect(byId["dockerfile/copy-chown"]!.remediation).toContain("COPY --chown=1000:1000 src /app/src");
    expect(byId["dockerfile/copy-chown"]!.location).toEqual({ file: `src/testdata/policy/seed-current/${service}.Dockerfile`, line: 8 });
    expect(byId["dockerfile/workdir-owned"]!.remediation).toContain("RUN mkdir -p /app && chown -R 1000:1000 /app");
    expect(byId["dockerfile/workdir-owned"]!.location).toEqual({ file: `src/testdata/policy/seed-current/${service}.Dockerfile`, line: 7 });
  });
});

describe("catalogue coverage", () => {
  it("every rule has a fixture that breaks it", () => {
    const covered = new Set([...composeCases, ...dockerfileCases].flatMap(([, ids]) => ids));
    covered.add("image/config-matches-dockerfile"); // canned image config above
    covered.add("image/user-non-root");
    expect(rules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});
