import { describe, expect, it } from "vitest";
import { parseTmpfs } from "../sources/tmpfs.ts";
import { parseBytes, parseGather, parseMountinfo, parseProcs } from "./parse.ts";
import { declaredFacts } from "./model.ts";
import { capMask, capNames } from "./probe-kit.ts";

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
