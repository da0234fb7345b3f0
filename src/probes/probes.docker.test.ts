// Real containers, one broken part of the posture each (testdata/broken/compose.yaml), in a
// compose project of their own: each probe fails on its broken container with evidence
// showing why, and passes on the intact one. Nothing is left behind.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compose, docker, mustSucceed, run, type ComposeTarget } from "../docker.ts";
import { runProbes } from "../probe.ts";
import { evaluate } from "../policy.ts";
import { rules } from "../rules/registry.ts";
import { loadModel } from "../sources/load.ts";
import type { CheckResult, Report } from "../types.ts";

const suffix = randomBytes(4).toString("hex");
const target: ComposeTarget = {
  files: [new URL("./testdata/broken/compose.yaml", import.meta.url).pathname],
  projectName: `apexprobe${suffix}`,
};
let results: CheckResult[] = [];
const get = (service: string, id: string) => {
  const r = results.find((x) => x.service === service && x.id === id);
  if (!r) throw new Error(`no result ${service} ${id}`);
  return r;
};
const ev = (r: CheckResult) => JSON.stringify(r.evidence);

const UNHEALTHY = "unhealthy";

/** Polls docker inspect until the container's health is `want` (its healthcheck runs every 1 s). */
async function waitForHealth(service: string, want: string): Promise<void> {
  const id = (await compose(target, ["ps", "-q", service])).stdout.trim();
  for (let i = 0; i < 60; i++) {
    const s = (await docker(["inspect", "-f", "{{.State.Health.Status}}", id])).stdout.trim();
    if (s === want) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${service} never became ${want}`);
}

// issue 16 (CIS 5.20): the bind source of shared-propagation, an empty volume of this run
const SHARED_VOLUME = `apexprobe${suffix}-shared-src`;

beforeAll(async () => {
  process.env.APEX_PROBE_FIXTURE_TAG = suffix; // images unique to this run
  mustSucceed(await docker(["volume", "create", "--label", "apex.probe=fixture", SHARED_VOLUME]), "volume create");
  process.env.APEX_PROBE_SHARED_SRC = (await docker(["volume", "inspect", "-f", "{{.Mountpoint}}", SHARED_VOLUME])).stdout.trim();
  mustSucceed(await compose(target, ["build", "-q"]), "compose build");
  const all = (await compose(target, ["config", "--services"])).stdout.split("\n").filter(Boolean);
  // `up --wait` stops at an unhealthy container: the failing healthcheck starts on its own.
  mustSucceed(await compose(target, ["up", "-d", "--wait", "--wait-timeout", "120", ...all.filter((s) => s !== UNHEALTHY)]), "compose up");
  mustSucceed(await compose(target, ["up", "-d", "--no-deps", UNHEALTHY]), "compose up unhealthy");
  await waitForHealth(UNHEALTHY, "unhealthy");
  results = await runProbes({ target });
});

afterAll(async () => {
  await compose(target, ["down", "-v", "--rmi", "all", "--remove-orphans", "-t", "1"]);
  await docker(["volume", "rm", SHARED_VOLUME]);
  // cgroup-parent's parent cgroup, which dockerd (cgroupfs driver) leaves empty; only when
  // the engine is local, and only if no other run's container is still in it
  await run("sh", ["-c", "rmdir /sys/fs/cgroup/apex-probe-fixture /sys/fs/cgroup/*/apex-probe-fixture 2>/dev/null; true"]);
});

describe("apex probe on real containers", () => {
  it("maps every container to its compose service and probes all of them", () => {
    const services = new Set(results.map((r) => r.service));
    expect([...services].sort()).toEqual([
      "app-foreign-owner", "cap-add-sysadmin", "caps-kept", "cgroup-parent", "core-dumps", "docker-sock", "image-volume", "intact", "nnp-missing", "no-memory-limit", "no-pids-limit", "noshell",
      "noshell-named-user", "pid-host", "root-drop-setpriv", "root-drop-su", "root-user", "seccomp-unconfined", "setuid-kept", "shared-propagation", "sshd", "tmpfs-root-owned", "unhealthy",
      "world-writable", "writable-root",
    ]);
    for (const r of results) expect(r.kind).toBe("runtime");
  });

  // AppArmor is judged only where the host kernel has it: elsewhere an honest skip (this host).
  const hostSkip = (r: CheckResult) => r.id === "runtime/apparmor-confined" && r.status === "skip" && /AppArmor is not enabled in the host kernel/.test(r.message);

  it("passes every probe on the intact hardened container", () => {
    const bad = results.filter((r) => r.service === "intact" && r.status !== "pass" && !hostSkip(r)).map((r) => `${r.id}: ${r.message}`);
    expect(bad).toEqual([]);
  });

  it("capabilities kept: CapBnd holds the default set", () => {
    const r = get("caps-kept", "runtime/cap-bnd-justified");
    expect(r.status).toBe("fail");
    expect(r.message).toMatch(/unjustified .*NET_RAW/);
    expect(ev(r)).toContain("CapBnd:\\t00000000a80425fb");
    expect(get("caps-kept", "runtime/cap-eff-zero").status).toBe("pass"); // non-root: nothing effective
  });

  it("root user: PID 1 and docker exec are uid 0", () => {
    const r = get("root-user", "runtime/process-user");
    expect(r.status).toBe("fail");
    expect(r.message).toMatch(/declared user is root .*docker exec's default user is uid 0.*pid 1 \(sleep\) root process/);
    expect(ev(r)).toContain("Uid:\\t0\\t0\\t0\\t0");
  });

  it("writable root: mountinfo says rw", () => {
    const r = get("writable-root", "runtime/rootfs-readonly");
    expect(r.status).toBe("fail");
    expect(r.message).toBe("/ is mounted rw in /proc/1/mountinfo");
    expect(ev(r)).toMatch(/ \/ rw,/);
  });

  it("tmpfs owned by root: owner and a failed write are the evidence", () => {
    const r = get("tmpfs-root-owned", "runtime/tmpfs-declared");
    expect(r.status).toBe("fail");
    expect(r.message).toMatch(/\/cache: owned by 0:0, the service user is 1000:1000/);
    expect(r.message).toMatch(/\/cache: not writable by the service user: .*Permission denied/);
    expect(ev(r)).toContain("stat /cache: uid 0 gid 0 mode 755");
  });

  it("no-new-privileges missing", () => {
    const r = get("nnp-missing", "runtime/no-new-privileges");
    expect(r.status).toBe("fail");
    expect(ev(r)).toContain("NoNewPrivs:\\t0");
  });

  it("seccomp unconfined", () => {
    const r = get("seccomp-unconfined", "runtime/seccomp-filter");
    expect(r.status).toBe("fail");
    expect(ev(r)).toContain("Seccomp:\\t0");
  });

  it("entrypoint starts as root and drops with setpriv: caught although PID 1 is uid 1000", () => {
    const r = get("root-drop-setpriv", "runtime/process-user");
    expect(r.status).toBe("fail");
    expect(r.message).toMatch(/declared user is root \(Config.User "root"/);
    expect(r.message).toMatch(/docker exec's default user is uid 0/);
    expect(ev(r)).toMatch(/\/proc\/1\/status \(sleep\).*Uid:\\t1000/);
  });

  it("entrypoint starts as root and drops with su: the root parent keeps capabilities", () => {
    expect(get("root-drop-su", "runtime/process-user").message).toMatch(/pid 1 \(su\) root process/);
    const r = get("root-drop-su", "runtime/cap-eff-zero");
    expect(r.status).toBe("fail");
    expect(r.message).toMatch(/pid 1 \(su\) CapEff=SETGID,SETUID/);
  });

  // The parts of the posture beyond the list: each broken on a container of its
  // own, and each failing only its own probe there.
  const onlyFails = (service: string) => results.filter((r) => r.service === service && r.status === "fail").map((r) => r.id);

  it("capabilities kept, no-new-privileges missing, seccomp unconfined, writable root: docker inspect disagrees too", () => {
    expect(get("caps-kept", "runtime/inspect-agrees").message).toMatch(/HostConfig.CapDrop is .*not ALL/);
    expect(get("nnp-missing", "runtime/inspect-agrees").message).toMatch(/lacks no-new-privileges/);
    expect(get("seccomp-unconfined", "runtime/inspect-agrees").message).toMatch(/seccomp=unconfined/);
    expect(get("writable-root", "runtime/inspect-agrees").message).toMatch(/ReadonlyRootfs is false/);
    // the raw HostConfig is the evidence: CapDrop empty (compose sends [] or nothing at all)
    expect(ev(get("caps-kept", "runtime/inspect-agrees"))).toMatch(/\\"CapDrop\\":(null|\[\])/);
  });

  it("world-writable file in the image", () => {
    expect(onlyFails("world-writable")).toEqual(["runtime/no-world-writable"]);
    const r = get("world-writable", "runtime/no-world-writable");
    expect(r.message).toContain("/etc/apex-oops");
    expect(ev(r)).toMatch(/W 0:0 666 f \/etc\/apex-oops/);
  });

  it("setuid file left in the image", () => {
    expect(onlyFails("setuid-kept")).toEqual(["runtime/no-setuid"]);
    const r = get("setuid-kept", "runtime/no-setuid");
    expect(r.message).toContain("/usr/local/bin/apex-suid");
    expect(ev(r)).toMatch(/S 0:0 4755 \/usr\/local\/bin\/apex-suid/);
  });

  it("a file under /app owned by another user", () => {
    expect(onlyFails("app-foreign-owner")).toEqual(["runtime/app-ownership"]);
    const r = get("app-foreign-owner", "runtime/app-ownership");
    expect(r.message).toMatch(/^1 file\(s\) under \/app owned by neither 1000:1000/);
    expect(ev(r)).toContain("999:999 644 f /app/foreign");
  });

  it("a VOLUME in the image: a writable mount compose never declared", () => {
    expect(onlyFails("image-volume")).toEqual(["runtime/writable-paths"]);
    const r = get("image-volume", "runtime/writable-paths");
    expect(r.message).toBe("/data is writable but not declared");
    expect(ev(r)).toMatch(/\/data \([a-z0-9]+\): exit 0/);
  });

  it("no pids limit: pids.max is max", () => {
    expect(onlyFails("no-pids-limit")).toEqual(["runtime/pids-limit"]);
    const r = get("no-pids-limit", "runtime/pids-limit");
    expect(r.message).toMatch(/^no pids limit in effect \(pids(\/pids)?\.max = max\)$/);
  });

  it("no memory limit", () => {
    expect(onlyFails("no-memory-limit")).toEqual(["runtime/memory-limit"]);
    expect(get("no-memory-limit", "runtime/memory-limit").message).toMatch(/^no memory limit in effect/);
  });

  it("cap_add: [SYS_ADMIN] that only compose declares is unjustified (the exemption case is in the CLI test)", () => {
    expect(onlyFails("cap-add-sysadmin")).toEqual(["runtime/cap-bnd-justified"]);
    expect(get("cap-add-sysadmin", "runtime/cap-bnd-justified").message).toMatch(/unjustified SYS_ADMIN.*cap_add SYS_ADMIN has no recorded exemption/);
  });

  it("core dumps possible: the hard core limit is unlimited", () => {
    const r = get("core-dumps", "runtime/core-dumps-off");
    expect(r.status).toBe("fail");
    expect(r.message).toBe("core dumps possible: limit 0 soft, unlimited hard");
    expect(ev(r)).toMatch(/Max core file size\s+0\s+unlimited/);
    expect(get("intact", "runtime/core-dumps-off").status).toBe("pass");
  });

  it("docker.sock mounted", () => {
    expect(onlyFails("docker-sock")).toEqual(["runtime/no-docker-socket"]);
    const r = get("docker-sock", "runtime/no-docker-socket");
    expect(r.message).toMatch(/docker\.sock reachable: (exists|mounted): .*\/var\/run\/docker\.sock/);
  });

  // issue 16 (CIS 5.7, 5.2, 5.20, 5.25)
  it("sshd running: a copy of sleep named sshd is in the process list", () => {
    expect(onlyFails("sshd")).toEqual(["runtime/no-sshd"]);
    const r = get("sshd", "runtime/no-sshd");
    expect(r.message).toBe("SSH server running: pid 1 (sshd)");
    expect(ev(r)).toContain("Name:\\tsshd");
    expect(get("intact", "runtime/no-sshd").status).toBe("pass");
  });

  it("AppArmor: judged where the host kernel has it, else every container skips saying why", async () => {
    const hasAppArmor = (await run("sh", ["-c", "cat /sys/module/apparmor/parameters/enabled 2>/dev/null"])).stdout.trim() === "Y";
    const r = get("intact", "runtime/apparmor-confined");
    if (hasAppArmor) expect(r).toMatchObject({ status: "pass", message: expect.stringMatching(/docker-default \(enforce\)/) });
    else {
      expect(r.status).toBe("skip");
      expect(r.message).toMatch(/^AppArmor is not enabled in the host kernel \(\/sys\/module\/apparmor\/parameters\/enabled: absent/);
      expect(results.filter((x) => x.id === "runtime/apparmor-confined" && x.status !== "skip")).toEqual([]);
    }
  });

  it("shared propagation: an rshared bind shows shared:N in mountinfo", () => {
    expect(onlyFails("shared-propagation")).toEqual(["runtime/no-shared-propagation"]);
    const r = get("shared-propagation", "runtime/no-shared-propagation");
    expect(r.message).toMatch(/^shared propagation: \/shared \(shared:\d+\)$/);
    expect(ev(r)).toMatch(/ \/shared ro,[^"]* shared:\d+ /);
    expect(get("intact", "runtime/no-shared-propagation").status).toBe("pass");
  });

  it("cgroup_parent set: PID 1's cgroup is not under /docker", () => {
    expect(onlyFails("cgroup-parent")).toEqual(["runtime/cgroup-default-parent"]);
    const r = get("cgroup-parent", "runtime/cgroup-default-parent");
    expect(r.message).toMatch(/^cgroup not under Docker's default parent: \/apex-probe-fixture\/[0-9a-f]{64}$/);
    expect(get("intact", "runtime/cgroup-default-parent")).toMatchObject({ status: "pass", message: expect.stringMatching(/^cgroup \/docker\/[0-9a-f]{64} /) });
  });

  it("pid: host: only the container's own processes are judged, and the shared namespace is said", async () => {
    // the posture of the service itself is intact: nothing fails for the host's processes
    expect(onlyFails("pid-host")).toEqual([]);
    for (const id of ["runtime/process-user", "runtime/cap-eff-zero", "runtime/cap-bnd-justified", "runtime/no-new-privileges", "runtime/seccomp-filter"]) {
      const r = get("pid-host", id);
      expect(ev(r), id).toMatch(/PID namespace shared .*process\(es\) outside this container's cgroup/);
      expect(ev(r), id).not.toMatch(/\((systemd|init|kthreadd|dockerd|containerd)\)/);
    }
    const user = get("pid-host", "runtime/process-user");
    expect(user.message).toMatch(/^1 process\(es\), all uid 1000/);
    expect(ev(user)).toMatch(/\/proc\/\d+\/status \(sleep\)/);
    expect(ev(user)).not.toContain("/proc/1/status");
    // mounts are the container's, not the host init's (its root is read-only)
    expect(get("pid-host", "runtime/rootfs-readonly").status).toBe("pass");
    // a namespace of its own: nothing to say
    expect(ev(get("intact", "runtime/process-user"))).not.toContain("PID namespace shared");
    // and compose says pid: host statically, whatever the probes find
    const statics = evaluate(await loadModel(target, { readImages: false, repoRoot: process.cwd() }), rules.filter((r) => r.id === "compose/no-host-namespaces"));
    expect(statics.find((c) => c.service === "pid-host")).toMatchObject({ status: "fail", message: "pid: host" });
    expect(statics.find((c) => c.service === "intact")).toMatchObject({ status: "pass" });
  });

  it("healthcheck failing", () => {
    expect(onlyFails(UNHEALTHY)).toEqual(["runtime/healthy"]);
    expect(get(UNHEALTHY, "runtime/healthy").message).toBe('health is "unhealthy"');
  });

  it("image without a shell: the PID-namespace sidecar runs the /proc probes and write tests", () => {
    const mine = results.filter((r) => r.service === "noshell");
    expect(mine.filter((r) => r.status === "fail")).toEqual([]);
    expect(get("noshell", "runtime/rootfs-readonly")).toMatchObject({ status: "pass" });
    expect(ev(get("noshell", "runtime/process-user"))).toContain("--pid");
    expect(get("noshell", "runtime/app-ownership")).toMatchObject({ status: "skip", message: expect.stringContaining("no /app") });
  });

  it("image without a shell and a named USER: the sidecar retries as PID 1's uid", () => {
    const mine = results.filter((r) => r.service === "noshell-named-user");
    expect(mine.filter((r) => r.status === "fail").map((r) => r.message)).toEqual([]);
    expect(get("noshell-named-user", "runtime/tmpfs-declared").status).toBe("pass");
    expect(ev(get("noshell-named-user", "runtime/no-setuid"))).toContain('"1000:1000"');
  });

  it("the forced sidecar path agrees with docker exec on the intact container", async () => {
    const side = await runProbes({ target, services: ["intact"], forceSidecar: true });
    expect(side.filter((r) => r.status !== "pass" && !hostSkip(r)).map((r) => r.id)).toEqual([]);
  });

  it("leaves nothing behind: no files, no processes, no sidecars", async () => {
    const id = (await compose(target, ["ps", "-q", "writable-root"])).stdout.trim();
    const diff = await docker(["diff", id]);
    expect(diff.stdout).not.toContain(".apex-probe-");
    const tmp = await compose(target, ["exec", "-T", "intact", "ls", "-A", "/tmp"]);
    expect(tmp.stdout.trim()).toBe("");
    const top = await docker(["top", (await compose(target, ["ps", "-q", "intact"])).stdout.trim(), "-o", "pid,comm"]);
    // Only the service (and at most a healthcheck `true` in flight); never the gatherer's sh.
    const comms = top.stdout.trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/)[1]);
    expect(comms).toContain("sleep");
    expect(comms.filter((c) => c !== "sleep" && c !== "true" && !c.startsWith("runc"))).toEqual([]);
    const sidecars = await docker(["ps", "-aq", "--filter", "label=apex.probe=sidecar"]);
    expect(sidecars.stdout.trim()).toBe("");
  });

  it("`apex probe` CLI: exit 1 on failures, report.json with runtime checks, exemptions applied", async () => {
    const out = mkdtempSync(join(tmpdir(), "apex-probe-"));
    try {
      const bin = new URL("../../bin/apex.mjs", import.meta.url).pathname;
      const ex = new URL("./testdata/broken/exemptions.yaml", import.meta.url).pathname;
      const r = await run(process.execPath, [bin, "probe", "-f", target.files[0], "-p", target.projectName!, "--exemptions", ex, "--format", "json", "-o", out]);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/FAIL seccomp-unconfined runtime\/seccomp-filter/);
      const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
      expect(report).toMatchObject({ command: "probe", status: "fail", project: target.projectName });
      expect(report.checks.every((c) => c.kind === "runtime")).toBe(true);
      const waived = report.checks.find((c) => c.service === "caps-kept" && c.id === "runtime/cap-bnd-justified")!;
      expect(waived).toMatchObject({ status: "waived", waiver: { reason: expect.stringContaining("waiver path") } });
      // SYS_ADMIN passes only with the exemption that justifies it (no exemption: above)
      const justified = report.checks.find((c) => c.service === "cap-add-sysadmin" && c.id === "runtime/cap-bnd-justified")!;
      expect(justified).toMatchObject({ status: "pass", message: expect.stringMatching(/SYS_ADMIN \(.*exemptions\.yaml:\d+\)/) });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("`apex probe` on a project with nothing running: one line, exit 2", async () => {
    const bin = new URL("../../bin/apex.mjs", import.meta.url).pathname;
    const ex = new URL("./testdata/broken/exemptions.yaml", import.meta.url).pathname;
    const r = await run(process.execPath, [bin, "probe", "-f", target.files[0], "-p", `apexprobe-empty-${suffix}`, "--exemptions", ex, "-o", tmpdir()]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/no running container in compose project/);
  });
});
