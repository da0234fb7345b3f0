import { describe, expect, it } from "vitest";
import { parseTmpfs } from "../sources/tmpfs.ts";
import { parseBytes, parseGather, parseMountinfo, parseProcs } from "./parse.ts";
import { declaredFacts } from "./model.ts";
import { capMask, capNames, procEvidence } from "./probe-kit.ts";
import { inCgroup } from "./own-processes.ts";

const status = (pid: number, ppid: number, name: string, uid = 1000) =>
  [`Name:\t${name}`, `PPid:\t${ppid}`, `Uid:\t${uid}\t${uid}\t${uid}\t${uid}`, `Gid:\t${uid}\t${uid}\t${uid}\t${uid}`, "CapEff:\t0000000000000000"].map((l) => `${pid} ${l}`);

describe("parseProcs", () => {
  it("drops the gatherer, its children and runc's exec init", () => {
    const lines = [...status(1, 0, "postgres"), ...status(7, 1, "postgres"), ...status(20, 0, "sh"), ...status(21, 20, "sh"), ...status(30, 0, "runc:[2:INIT]", 0)];
    expect(parseProcs(lines, 20).map((p) => p.pid)).toEqual([1, 7]);
  });
  it("reads grep's /proc/<pid>/status: prefix too", () => {
    expect(parseProcs(["/proc/12/status:Name:\tvalkey-server", "/proc/12/status:Uid:\t1002\t1002\t1002\t1002"])).toMatchObject([{ pid: 12, name: "valkey-server", uid: [1002, 1002, 1002, 1002] }]);
  });
  it("reads capabilities as bit masks", () => {
    const [p] = parseProcs(["1 Name:\tx", "1 Uid:\t0\t0\t0\t0", "1 CapBnd:\t00000000a80425fb"]);
    expect(capNames(p.caps.bnd!)).toContain("NET_RAW");
    expect(capMask(["SETUID", "SETGID"])).toBe(0xc0n);
  });
});

describe("parseMountinfo", () => {
  it("splits optional fields and decodes escapes", () => {
    const [m] = parseMountinfo(["89 72 0:48 / /my\\040dir rw,nosuid,nodev,noexec,relatime master:2 - tmpfs tmpfs rw,size=16384k,uid=1000,gid=1000"]);
    expect(m).toMatchObject({ mountPoint: "/my dir", fstype: "tmpfs", options: ["rw", "nosuid", "nodev", "noexec", "relatime"], superOptions: ["rw", "size=16384k", "uid=1000", "gid=1000"] });
  });
});

describe("parseGather", () => {
  it("marks a truncated run and the sections it never printed", () => {
    const g = parseGather("@@apex:self\npid 5\n@@apex:procs\n", { mode: "exec", command: ["docker"], exitCode: 137, stderr: "killed\n" });
    expect(g.complete).toBe(false);
    expect(g.unavailable.mountinfo).toMatch(/ended early \(exit 137\): killed/);
  });
  it("keeps the unavailable reason a section reports", () => {
    const g = parseGather("@@apex:stat\nunavailable no stat in image\n@@apex:end\n", { mode: "exec", command: [], exitCode: 0, stderr: "" });
    expect(g.unavailable.stat).toBe("no stat in image");
  });
  it("strips the sidecar's /proc/1/root prefix", () => {
    const g = parseGather("@@apex:stat\n/tmp|1000|1000|1777|directory\n@@apex:perms\nS 0:0 4755 /proc/1/root/usr/bin/su\nfind: '/proc/1/root/root': Permission denied\n@@apex:end\n", { mode: "sidecar", command: [], exitCode: 0, stderr: "" });
    expect(g.perms).toMatchObject({ lines: ["S 0:0 4755 /usr/bin/su"], errors: ["find: '/root': Permission denied"] });
  });
});

describe("compose and docker values", () => {
  it("sizes", () => {
    expect(parseBytes("64m")).toBe(67108864);
    expect(parseBytes("16384k")).toBe(16777216);
    expect(parseBytes("268435456")).toBe(268435456);
    expect(parseBytes(undefined)).toBeUndefined();
  });
  it("tmpfs strings", () => {
    expect(parseTmpfs("/tmp:uid=1000,gid=1000,mode=1777,noexec")).toMatchObject({ target: "/tmp", options: { uid: "1000", gid: "1000", mode: "1777", noexec: true } });
    expect(parseTmpfs("/run")).toMatchObject({ target: "/run", options: {} });
  });
  it("declared facts from a resolved service (short and long tmpfs, deploy limits)", () => {
    const d = declaredFacts({
      user: "999:999", cap_add: ["CAP_CHOWN"], tmpfs: ["/run/postgresql:uid=999,gid=999,mode=0755"],
      volumes: [{ type: "volume", source: "pgdata", target: "/var/lib/postgresql/data" }, { type: "tmpfs", target: "/scratch", tmpfs: { size: 1048576, mode: 0o1777 } }],
      deploy: { resources: { limits: { memory: "512m", pids: 200 } } },
    });
    expect(d.capAdd).toEqual(["CHOWN"]);
    expect(d.tmpfs.map((t) => t.path)).toEqual(["/run/postgresql", "/scratch"]);
    expect(d.tmpfs[1].options).toEqual({ size: "1048576", mode: "1777" });
    expect(d).toMatchObject({ memLimit: 536870912, pidsLimit: 200 });
  });
});

// issue 16: the apparmor section (CIS 5.2)
describe("parseGather: apparmor section", () => {
  const meta = { mode: "exec" as const, command: ["x"], exitCode: 0, stderr: "" };
  it("reads the module parameter and PID 1's attr file, an empty answer included", () => {
    const g = parseGather("@@apex:apparmor\nenabled absent\ncurrent /proc/1/attr/current\t\n@@apex:end\n", meta);
    expect(g.apparmor).toMatchObject({ enabled: "absent", file: "/proc/1/attr/current", current: "" });
    const h = parseGather("@@apex:apparmor\nenabled Y\ncurrent /proc/1/attr/apparmor/current\tdocker-default (enforce)\n@@apex:end\n", meta);
    expect(h.apparmor).toMatchObject({ enabled: "Y", file: "/proc/1/attr/apparmor/current", current: "docker-default (enforce)" });
  });
  it("a missing section is unavailable, not an empty fact", () => {
    const g = parseGather("@@apex:end\n", meta);
    expect(g.apparmor).toBeUndefined();
    expect(g.unavailable.apparmor).toBe("section missing from gather output");
  });
});

describe("the container's own processes (shared PID namespace)", () => {
  const ID = "/docker/9eeae2bafdec";
  const cg = (pid: number, path: string, h = "8:pids") => `/proc/${pid}/cgroup:${h}:${path}`;
  const hostAndContainer = [
    ...status(1, 0, "systemd", 0), cg(1, "/init.scope"),
    ...status(2, 0, "kthreadd", 0), cg(2, "/"),
    ...status(4100, 4000, "sleep"), cg(4100, ID),
    ...status(4200, 4100, "worker"), cg(4200, `${ID}/sub`),
    ...status(5000, 4990, "sh"), cg(5000, ID), // the gatherer, in the container's cgroup
  ];
  const gather = (procLines: string[], mode: "exec" | "sidecar" = "exec") =>
    parseGather(["@@apex:self", "pid 5000", "mode exec", "@@apex:procs", ...procLines, "@@apex:end"].join("\n"), { mode, command: [], exitCode: 0, stderr: "" });

  it("keeps those in the gatherer's cgroup (or below it), and says the namespace is shared", () => {
    const g = gather(hostAndContainer);
    expect(g.procs!.map((p) => `${p.pid} ${p.name}`)).toEqual(["4100 sleep", "4200 worker"]);
    expect(g.sharedPidNamespace).toEqual({ cgroup: `8:pids:${ID}`, others: 2, examples: ["1 systemd", "2 kthreadd"] });
    const ev = procEvidence(g, g.procs![0]!, ["Uid"], { note: "PID 1" });
    expect(ev.note).toMatch(/^PID 1; PID namespace shared .*2 process\(es\) outside this container's cgroup \(8:pids:\/docker\/9eeae2bafdec\), e\.g\. 1 systemd, 2 kthreadd/);
  });
  it("says nothing when every process is the container's", () => {
    const g = gather([...status(1, 0, "sleep"), cg(1, ID), ...status(5000, 0, "sh"), cg(5000, ID)]);
    expect(g.procs!.map((p) => p.pid)).toEqual([1]);
    expect(g.sharedPidNamespace).toBeUndefined();
    expect(procEvidence(g, g.procs![0]!, ["Uid"]).note).toBeUndefined();
  });
  it("sidecar: the reference is the target's PID 1, not the sidecar's own cgroup", () => {
    const g = gather([...status(1, 0, "sleep"), cg(1, ID), ...status(5000, 0, "sh"), cg(5000, "/docker/sidecar")], "sidecar");
    expect(g.procs!.map((p) => p.pid)).toEqual([1]);
    expect(g.sharedPidNamespace).toBeUndefined();
  });
  it("docker inspect says the PID namespace is the container's own: every visible process is its, whatever its cgroup", () => {
    const g = parseGather(["@@apex:self", "pid 5000", "@@apex:procs", ...hostAndContainer, "@@apex:end"].join("\n"), { mode: "exec", command: [], exitCode: 0, stderr: "", ownPidNamespace: true });
    expect(g.procs!.map((p) => p.pid)).toEqual([1, 2, 4100, 4200]);
    expect(g.sharedPidNamespace).toBeUndefined();
    expect(g).not.toHaveProperty("ownPidNamespace");
  });
  it("keeps every process when no cgroup was readable (nothing to compare with)", () => {
    expect(gather(hostAndContainer.filter((l) => !l.includes("/cgroup:"))).procs!.map((p) => p.pid)).toEqual([1, 2, 4100, 4200]);
  });
  it("a sibling whose path only starts alike, or one outside the cgroup namespace, is not the container's", () => {
    expect(inCgroup(`8:pids:${ID}0`, `8:pids:${ID}`)).toBe(false);
    expect(inCgroup("0::/../other", "0::/")).toBe(false);
    expect(inCgroup("0::/", "0::/")).toBe(true);
    expect(inCgroup(`7:blkio:${ID}`, `8:pids:${ID}`)).toBe(false);
  });
  it("reads the builtins' form and prefers the pids line on a hybrid host", () => {
    const [p] = parseProcs(["9 Name:\tx", "9 Uid:\t1\t1\t1\t1", `9 cgroup 8:pids:${ID}`, `9 cgroup 0::/init.scope`]);
    expect(p!.cgroup).toBe(`8:pids:${ID}`);
  });
});
