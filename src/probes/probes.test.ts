// Every probe on canned facts captured from real containers (testdata/cases, one broken
// part each) and on hand-made variants of the intact case for what the fixtures cannot break.
import type { Exemption } from "../exemptions.ts";
import { justifiedCaps } from "../probe.ts";
import { describe, expect, it } from "vitest";
import type { ServiceFacts } from "./facts.ts";
import { evaluateService, PROBES } from "./registry.ts";
import { CASES, loadCase } from "./testdata/cases.ts";

const failing = (f: ServiceFacts) => evaluateService(f).filter((r) => r.status === "fail").map((r) => r.id).sort();
const result = (f: ServiceFacts, id: string) => evaluateService(f).find((r) => r.id === id)!;
const evidenceText = (f: ServiceFacts, id: string) => JSON.stringify(result(f, id).evidence);

describe("catalogue", () => {
  it("has unique runtime ids with full metadata", () => {
    const ids = PROBES.map((p) => p.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of PROBES) {
      expect(p.meta.id).toMatch(/^runtime\/[a-z0-9-]+$/);
      expect(p.meta.kind).toBe("runtime");
      expect(p.meta.title.length).toBeGreaterThan(10);
      expect(p.meta.remediation.length).toBeGreaterThan(10);
    }
  });
});

describe("canned cases from real containers", () => {
  const expected: Record<(typeof CASES)[number], string[]> = {
    intact: [],
    noshell: [], // gathered by the PID-namespace sidecar
    "noshell-named-user": [], // sidecar retried as PID 1's uid
    "caps-kept": ["runtime/cap-bnd-justified", "runtime/inspect-agrees"],
    "writable-root": ["runtime/inspect-agrees", "runtime/rootfs-readonly"],
    "tmpfs-root-owned": ["runtime/tmpfs-declared", "runtime/writable-paths"],
    "nnp-missing": ["runtime/inspect-agrees", "runtime/no-new-privileges"],
    "seccomp-unconfined": ["runtime/inspect-agrees", "runtime/seccomp-filter"],
    // Declared root: the user's writable paths and /app owner are judged against root too.
    "root-user": ["runtime/app-ownership", "runtime/process-user", "runtime/tmpfs-declared", "runtime/writable-paths"],
    // cap_add SETUID,SETGID with no exemption: the bounding set holds unjustified caps too
    "root-drop-setpriv": ["runtime/app-ownership", "runtime/cap-bnd-justified", "runtime/process-user", "runtime/tmpfs-declared", "runtime/writable-paths"],
    "root-drop-su": ["runtime/app-ownership", "runtime/cap-bnd-justified", "runtime/cap-eff-zero", "runtime/process-user", "runtime/tmpfs-declared", "runtime/writable-paths"],
  };
  for (const c of CASES)
    it(`${c}: fails exactly ${expected[c].join(", ") || "nothing"}`, () => {
      expect(failing(loadCase(c))).toEqual(expected[c]);
    });

  it("intact passes every probe, sidecar case included", () => {
    for (const c of ["intact", "noshell"]) {
      const r = evaluateService(loadCase(c));
      const notPass = r.filter((x) => x.status !== "pass").map((x) => `${x.id}: ${x.message}`);
      // noshell has no /app: an honest skip; and the captures predate the limits section.
      expect(notPass).toEqual([
        ...(c === "noshell" ? ["runtime/app-ownership: no /app directory in this image: nothing to check"] : []),
        "runtime/core-dumps-off: cannot run: limits: section missing from gather output",
        "runtime/apparmor-confined: cannot run: apparmor: section missing from gather output",
      ]);
    }
  });

  it("every result is runtime, names the service and carries evidence", () => {
    for (const r of evaluateService(loadCase("intact"))) {
      expect(r).toMatchObject({ kind: "runtime", service: "intact" });
      expect(r.evidence.length).toBeGreaterThan(0);
    }
  });

  it("root then drop (setpriv): evidence shows the declared root user, exec uid 0 and PID 1", () => {
    const f = loadCase("root-drop-setpriv");
    const r = result(f, "runtime/process-user");
    expect(r.message).toMatch(/declared user is root/);
    expect(r.message).toMatch(/docker exec's default user is uid 0/);
    const ev = evidenceText(f, "runtime/process-user");
    expect(ev).toContain('\\"root\\"'); // Config.User
    expect(ev).toContain("/proc/1/status");
    expect(ev).toMatch(/Uid:\\t1000\\t1000/);
  });

  it("root then drop (su): the root parent and its capabilities are the evidence", () => {
    const f = loadCase("root-drop-su");
    expect(result(f, "runtime/process-user").message).toMatch(/pid 1 \(su\) root process/);
    expect(result(f, "runtime/cap-eff-zero").message).toMatch(/CapEff=SETGID,SETUID/);
    expect(evidenceText(f, "runtime/cap-eff-zero")).toContain("CapEff:");
  });

  it("evidence carries the raw lines that show why", () => {
    expect(evidenceText(loadCase("caps-kept"), "runtime/cap-bnd-justified")).toContain("CapBnd:\\t00000000a80425fb");
    expect(evidenceText(loadCase("nnp-missing"), "runtime/no-new-privileges")).toContain("NoNewPrivs:\\t0");
    expect(evidenceText(loadCase("seccomp-unconfined"), "runtime/seccomp-filter")).toContain("Seccomp:\\t0");
    expect(evidenceText(loadCase("writable-root"), "runtime/rootfs-readonly")).toMatch(/ \/ rw,/);
    expect(evidenceText(loadCase("tmpfs-root-owned"), "runtime/tmpfs-declared")).toContain("Permission denied");
    expect(result(loadCase("tmpfs-root-owned"), "runtime/tmpfs-declared").message).toMatch(/\/cache: owned by 0:0/);
    expect(evidenceText(loadCase("intact"), "runtime/rootfs-readonly")).toContain("Read-only file system");
  });
});

describe("variants of the intact facts", () => {
  const intact = () => loadCase("intact");
  const g = (f: ServiceFacts) => f.gathered!;

  it("world-writable file", () => {
    const f = intact();
    g(f).perms!.lines.push("W 0:0 666 f /etc/oops");
    expect(result(f, "runtime/no-world-writable")).toMatchObject({ status: "fail", message: expect.stringContaining("/etc/oops") });
  });
  it("setuid file", () => {
    const f = intact();
    g(f).perms!.lines.push("S 0:0 4755 /usr/bin/su");
    expect(result(f, "runtime/no-setuid")).toMatchObject({ status: "fail", message: expect.stringContaining("/usr/bin/su") });
  });
  it("/app owned by another user, or group-writable root file", () => {
    const f = intact();
    g(f).app = { lines: ["0:0 644 f /app/ok", "0:0 664 f /app/gw", "999:999 644 f /app/x"], errors: [], truncated: false, total: 5 };
    const r = result(f, "runtime/app-ownership");
    expect(r.status).toBe("fail");
    expect(r.message).toMatch(/^2 file/);
  });
  it("no pids limit (v1) and unlimited memory", () => {
    const f = intact();
    f.declared.pidsLimit = undefined;
    f.declared.memLimit = undefined;
    g(f).cgroup = { "pids/pids.max": "max", "memory/memory.limit_in_bytes": "9223372036854771712" };
    expect(result(f, "runtime/pids-limit").status).toBe("fail");
    expect(result(f, "runtime/memory-limit").status).toBe("fail");
  });
  it("limits differ from the declared ones; cgroup v2 files read", () => {
    const f = intact();
    g(f).cgroup = { "pids.max": "100", "memory.max": String(64 * 1024 * 1024) };
    expect(result(f, "runtime/pids-limit")).toMatchObject({ status: "fail", message: "pids limit 100 in effect, declared 32" });
    expect(result(f, "runtime/memory-limit").status).toBe("pass");
  });
  it("docker.sock mounted", () => {
    const f = intact();
    g(f).sockets = ["/var/run/docker.sock"];
    expect(result(f, "runtime/no-docker-socket").status).toBe("fail");
  });
  it("unhealthy, or no healthcheck", () => {
    const f = intact();
    f.inspect.health = { status: "unhealthy", lastOutput: "connection refused\n", lastExit: 1 };
    expect(result(f, "runtime/healthy")).toMatchObject({ status: "fail", message: 'health is "unhealthy": connection refused' });
    f.inspect.health = undefined;
    expect(result(f, "runtime/healthy").message).toBe("no healthcheck configured");
  });
  it("an undeclared writable mount", () => {
    const f = intact();
    g(f).writable!.push({ path: "/data", fstype: "ext4", exitCode: 0, error: "" });
    expect(result(f, "runtime/writable-paths").message).toBe("/data is writable but not declared");
  });
  it("privileged in inspect", () => {
    const f = intact();
    f.inspect.privileged = true;
    expect(result(f, "runtime/inspect-agrees").message).toMatch(/Privileged is true/);
  });
  it("a declared cap_add alone justifies nothing; an exemption for it does", () => {
    const f = loadCase("caps-kept");
    f.declared.capAdd = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "NET_BIND_SERVICE", "NET_RAW", "SYS_CHROOT", "MKNOD", "AUDIT_WRITE", "SETFCAP"];
    expect(result(f, "runtime/cap-bnd-justified")).toMatchObject({ status: "fail", message: expect.stringMatching(/has no recorded exemption/) });
    const ex: Exemption = { service: f.service, rules: ["compose/cap-add-justified"], justification: "fixture", source: { file: "x.yaml", line: 3 } };
    expect(result({ ...f, justified: justifiedCaps(f, [ex]) }, "runtime/cap-bnd-justified")).toMatchObject({ status: "pass", message: expect.stringContaining("(x.yaml:3)") });
    // an exemption of another service, or an expired one, justifies nothing
    expect(justifiedCaps(f, [{ ...ex, service: "other" }])).toBeUndefined();
    expect(justifiedCaps(f, [{ ...ex, expires: "2020-01-01" }])).toBeUndefined();
  });
});

// issue 16 (CIS 5.7, 5.2, 5.20, 5.25): each fact both ways on the intact capture
describe("variants of the intact facts: sshd, AppArmor, propagation, cgroup parent", () => {
  const intact = () => loadCase("intact");
  const g = (f: ServiceFacts) => f.gathered!;
  const aa = (enabled: string, current?: string) => ({ enabled, file: "/proc/1/attr/current", current, lines: [`enabled ${enabled}`, `current /proc/1/attr/current\t${current ?? ""}`] });

  it.each([
    ["sshd", "fail"], ["sshd-session", "fail"], ["dropbear", "fail"],
    ["sleep", "pass"], ["ssh-agent", "pass"], ["sshd_exporter", "pass"],
  ])("a process named %s → runtime/no-sshd %s", (name, want) => {
    const f = intact();
    g(f).procs!.push({ ...g(f).procs![0]!, pid: 4242, name, lines: [`Name:\t${name}`] });
    expect(result(f, "runtime/no-sshd").status).toBe(want);
  });
  it.each([
    [aa("Y", "unconfined"), "fail", /unconfined/],
    [aa("Y", "docker-default (enforce)"), "pass", /docker-default \(enforce\)/],
    [aa("Y", "docker-default (complain)"), "fail", /complain mode/],
    [aa("N", "unconfined"), "fail", /unconfined/], // the kernel's own answer wins over the parameter
    [aa("absent", ""), "skip", /AppArmor is not enabled in the host kernel \(.*enabled: absent/],
    [aa("N", ""), "skip", /not enabled/],
    [aa("Y", "system_u:system_r:container_t:s0"), "skip", /another LSM/],
  ])("AppArmor %j → %s", (fact, want, msg) => {
    const f = intact();
    delete g(f).unavailable.apparmor; // the capture predates the section
    g(f).apparmor = fact;
    expect(result(f, "runtime/apparmor-confined")).toMatchObject({ status: want, message: expect.stringMatching(msg) });
  });
  it("a shared mount fails runtime/no-shared-propagation; Docker's master:N slaves do not", () => {
    const f = intact();
    expect(result(f, "runtime/no-shared-propagation").status).toBe("pass");
    const line = "109 92 254:0 /var/lib/docker/volumes/v/_data /x ro,relatime shared:1 - ext4 /dev/vda rw";
    g(f).mounts!.push({ mountPoint: "/x", options: ["ro", "relatime"], fstype: "ext4", source: "/dev/vda", superOptions: ["rw"], line });
    expect(result(f, "runtime/no-shared-propagation")).toMatchObject({ status: "fail", message: "shared propagation: /x (shared:1)" });
    g(f).mounts!.pop();
    g(f).mounts!.push({ mountPoint: "/y", options: ["ro"], fstype: "ext4", source: "/dev/vda", superOptions: [], line: "110 92 254:0 /y /y ro master:1 - ext4 /dev/vda rw" });
    expect(result(f, "runtime/no-shared-propagation").status).toBe("pass");
  });
  it.each([
    ["4:memory:/docker/ID", "pass"],
    ["0::/system.slice/docker-ID.scope", "pass"],
    ["4:memory:/apex-probe-fixture/ID", "fail"],
    ["0::/custom.slice/docker-ID.scope", "fail"],
    ["4:memory:/docker/0000000000000000000000000000000000000000000000000000000000000000", "fail"],
    ["0::/", "skip"],
  ])("cgroup %s → runtime/cgroup-default-parent %s", (line, want) => {
    const f = intact();
    const id = "c6aced03114e8b6a38011f85d2e8ec6a682f896c9736926b7ae8b41c5e52c7fc";
    f.inspect.id = id.slice(0, 12);
    g(f).cgroupLines = [line.replace("ID", id)];
    expect(result(f, "runtime/cgroup-default-parent").status).toBe(want);
  });
});

describe("missing prerequisites skip, never fail", () => {
  it("no gathered facts: every in-container probe skips with the reason", () => {
    const f = loadCase("intact");
    f.gathered = undefined;
    f.gatherError = "docker exec exited 1: container is restarting";
    const r = evaluateService(f);
    const inContainer = r.filter((x) => !["runtime/healthy", "runtime/inspect-agrees"].includes(x.id));
    for (const x of inContainer) expect(x).toMatchObject({ status: "skip", message: expect.stringContaining("container is restarting") });
  });
  it("an unavailable section skips only its probes", () => {
    const f = loadCase("intact");
    f.gathered!.unavailable.cgroup = "/proc/1/root unreadable";
    f.gathered!.cgroup = undefined;
    const r = evaluateService(f);
    expect(r.find((x) => x.id === "runtime/pids-limit")).toMatchObject({ status: "skip", message: "cannot run: cgroup: /proc/1/root unreadable" });
    expect(r.find((x) => x.id === "runtime/process-user")!.status).toBe("pass");
  });
  it("mountinfo ro but no write test: rootfs skips rather than passes", () => {
    const f = loadCase("intact");
    f.gathered!.rootWrite = undefined;
    f.gathered!.unavailable.rootwrite = "no shell";
    expect(result(f, "runtime/rootfs-readonly").status).toBe("skip");
  });
});
