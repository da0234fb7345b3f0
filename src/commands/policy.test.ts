// The CLI as users run it: `node bin/apex.mjs policy …` in a child process, checking exit
// codes, the one-line errors (file:line, no stack trace) and the files written.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";

const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv; // CJS default under NodeNext
const TD = "src/testdata/policy";
const out = mkdtempSync(join(tmpdir(), "apex-policy-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function apex(compose: string, exemptions = `${TD}/exemptions/none.yaml`, extra: string[] = []) {
  const dir = mkdtempSync(join(out, "run-"));
  const r = spawnSync(process.execPath, ["bin/apex.mjs", "policy", "-f", compose, "--exemptions", exemptions, "--no-images", "-o", dir, ...extra], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.split("\n").filter((l) => l && !l.startsWith("npm warn")), dir };
}

describe("apex policy on someone else's repository", () => {
  const dir = mkdtempSync(join(tmpdir(), "apex-foreign-"));
  writeFileSync(join(dir, "compose.yaml"), "services:\n  web:\n    image: nginx:1\n");
  const run = (...args: string[]) => spawnSync(process.execPath, [join(process.cwd(), "bin/apex.mjs"), "policy", ...args, "-o", join(dir, "out")], { cwd: dir, encoding: "utf8", timeout: 60_000 });

  it("no exemptions file beside its compose file means no exemptions: judged, not refused", () => {
    const r = run("-f", "compose.yaml");
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL +web compose\/cap-drop-all/);
    expect(r.stderr).toBe("");
  });

  it("an explicit --exemptions that does not exist is exit 2, one line naming it", () => {
    const r = run("-f", "compose.yaml", "--exemptions", "nope.yaml");
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("apex: nope.yaml: exemptions file not found");
  });
});

// "Chosen for this model": the file --exemptions names, or exemptions.yaml beside the first
// compose file. Such a file must name only services the model declares (under any profile,
// from any included file); no other exemptions.yaml is read at all.
describe("exemptions chosen for this model", () => {
  const root = mkdtempSync(join(tmpdir(), "apex-chosen-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  const waive = (...services: string[]) => `exemptions:\n${services.map((s) => `  - service: ${s}\n    rules: [compose/read-only-rootfs]\n    justification: fixture\n`).join("")}`;
  // app/: web here, db from an included file, admin and dbadmin only under the ops profile
  write("app/compose.yaml", "include:\n  - db.yaml\nservices:\n  web:\n    image: nginx:1\n  admin:\n    image: nginx:1\n    profiles: [ops]\n");
  write("app/db.yaml", "services:\n  db:\n    image: postgres:17\n  dbadmin:\n    image: postgres:17\n    profiles: [ops]\n");
  write("app/override/compose.override.yaml", "services:\n  web:\n    read_only: true\n");
  const run = (cwd: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [join(process.cwd(), "bin/apex.mjs"), "policy", "--no-images", "--format", "json", "-o", join(root, "out"), ...args], { cwd: join(root, cwd), encoding: "utf8", timeout: 60_000 });
    const report = r.status === 2 ? undefined : (JSON.parse(readFileSync(join(root, "out/report.json"), "utf8")) as { checks: Array<{ id: string; service: string; status: string }> });
    const status = (service: string) => report?.checks.find((c) => c.service === service && c.id === "compose/read-only-rootfs")?.status;
    return { code: r.status, stderr: r.stderr, status };
  };

  it("the default file may name included services and services of profiles not enabled", () => {
    write("app/exemptions.yaml", waive("db", "dbadmin", "admin"));
    const r = run("app", "-f", "compose.yaml");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.status("db")).toBe("waived");
    expect(r.status("web")).toBe("fail"); // waives what it names, nothing else
  });

  it("the default file naming a service the model lacks is one line at its line, exit 2", () => {
    write("app/exemptions.yaml", waive("web", "wbe"));
    const r = run("app", "-f", "compose.yaml");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^apex: exemptions\.yaml:5: exemption names unknown service "wbe" \(known: [a-z, ]+\)\n$/);
    expect(r.stderr.match(/known: (.*)\)/)![1]!.split(", ").sort()).toEqual(["admin", "db", "dbadmin", "web"]);
  });

  it("so is an explicit --exemptions, wherever it is", () => {
    write("elsewhere/waivers.yaml", waive("ghost"));
    const r = run("app", "-f", "compose.yaml", "--exemptions", "../elsewhere/waivers.yaml");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^apex: \S*elsewhere\/waivers\.yaml:2: exemption names unknown service "ghost"/);
  });

  it("an exemptions.yaml not chosen (in the cwd, beside a later -f file) is not read: no error, nothing waived", () => {
    rmSync(join(root, "app/exemptions.yaml"));
    write("exemptions.yaml", waive("ghost", "db"));
    write("app/override/exemptions.yaml", waive("ghost", "db"));
    const r = run(".", "-f", "app/compose.yaml", "-f", "app/override/compose.override.yaml");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.status("db")).toBe("fail");
    expect(r.status("web")).toBe("pass"); // the override was applied, its exemptions were not
  });
});

describe("apex policy (CLI)", () => {
  it("exit 0 on the intact fixture, writing json, md and sarif", () => {
    // intact/exemptions.yaml accepts the api's published 8080 (compose/ports-accepted)
    const r = apex(`${TD}/intact/compose.yaml`, `${TD}/intact/exemptions.yaml`, ["--format", "json,md,sarif"]);
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    for (const f of ["report.json", "report.md", "report.sarif"]) expect(existsSync(join(r.dir, f))).toBe(true);
    const report = JSON.parse(readFileSync(join(r.dir, "report.json"), "utf8"));
    expect(report).toMatchObject({ status: "pass", command: "policy" });
    expect(r.stdout).toMatch(/apex policy: PASS — 0 failed/);
  });

  it("exit 0 on the repository itself (infra/compose.yaml + services/*/Dockerfile + infra/exemptions.yaml)", () => {
    const dir = mkdtempSync(join(out, "repo-"));
    const r = spawnSync(process.execPath, ["bin/apex.mjs", "policy", "--no-images", "-o", dir], { encoding: "utf8", timeout: 60_000 });
    expect(r.stdout).toMatch(/apex policy: PASS — 0 failed/);
    expect(r.status).toBe(0);
  });

  it("exit 1 on the seed's current configuration, failures first in the summary", () => {
    // the seed's own three problems per service (its flat network, its lack of core 0 and the
    // api's unaccepted published port are more it never mentions: rules.test.ts counts them)
    const r = apex(`${TD}/seed-current/compose.yaml`, undefined, ["--format", "json,sarif", "--skip", "compose/network-tiers,compose/core-dumps-off,compose/ports-accepted"]);
    expect(r.code).toBe(1);
    // The SARIF of a real run validates against the official schema and points at file:line.
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync("src/report/schema/sarif-schema-2.1.0.json", "utf8")));
    const sarif = JSON.parse(readFileSync(join(r.dir, "report.sarif"), "utf8"));
    expect(validate(sarif)).toBe(true);
    expect(sarif.runs[0].results).toHaveLength(6);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: `${TD}/seed-current/compose.yaml`, uriBaseId: "%SRCROOT%" }, region: { startLine: 22 } });
    const lines = r.stdout.trim().split("\n");
    expect(lines.slice(0, 6).every((l) => l.startsWith("FAIL"))).toBe(true);
    expect(lines[0]).toBe(`FAIL   api compose/tmpfs-owner ${TD}/seed-current/compose.yaml:22: tmpfs /tmp: no uid= (mounted root-owned); no gid=; no mode= (use 1777 for /tmp)`);
    expect(lines).toContain(`FAIL   worker dockerfile/copy-chown ${TD}/seed-current/worker.Dockerfile:8: COPY src /app/src without --chown`);
    const report = JSON.parse(readFileSync(join(r.dir, "report.json"), "utf8"));
    expect(report.summary.fail).toBe(6);
  });

  it("a recorded exemption waives the cap_add (exit 0); an expired one does not (exit 1)", () => {
    const ok = apex(`${TD}/compose/cap-add.yaml`, `${TD}/exemptions/cap-add.yaml`);
    expect(ok.code).toBe(0);
    const check = JSON.parse(readFileSync(join(ok.dir, "report.json"), "utf8")).checks.find((c: { id: string }) => c.id === "compose/cap-add-justified");
    expect(check).toMatchObject({ status: "waived", waiver: { reason: "binds port 80 inside the container (fixture)", source: { line: 2 } } });
    expect(apex(`${TD}/compose/cap-add.yaml`, `${TD}/exemptions/cap-add-expired.yaml`).code).toBe(1);
  });

  it.each([
    ["malformed YAML", `${TD}/bad/malformed.yaml`, undefined, /^apex: src\/testdata\/policy\/bad\/malformed\.yaml:\d+: malformed YAML: /],
    ["missing compose file", `${TD}/bad/nope.yaml`, undefined, /^apex: src\/testdata\/policy\/bad\/nope\.yaml: compose file not found$/],
    ["missing Dockerfile", `${TD}/bad/missing-dockerfile.yaml`, undefined, /^apex: src\/testdata\/policy\/bad\/missing-dockerfile\.yaml:5: service "api": Dockerfile not found: src\/testdata\/policy\/dockerfiles\/does-not-exist\.Dockerfile$/],
    ["unknown service in an exemption", `${TD}/intact/compose.yaml`, `${TD}/exemptions/unknown-service.yaml`, /^apex: src\/testdata\/policy\/exemptions\/unknown-service\.yaml:5: exemption names unknown service "no_such_service"/],
    ["exemption without a reason", `${TD}/intact/compose.yaml`, `${TD}/exemptions/no-justification.yaml`, /^apex: src\/testdata\/policy\/exemptions\/no-justification\.yaml:2: exemption for "api" has no justification$/],
  ])("%s → one line naming the file, exit 2", (_what, compose, exemptions, msg) => {
    const r = apex(compose, exemptions);
    expect(r.code).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(msg);
    expect(r.stdout).toBe("");
  });

  it("a file outside the repository is named by its absolute path, not ../../", () => {
    const outside = join(out, "outside.yaml");
    writeFileSync(outside, "services:\n  api:\n    image: x\n   bad: [\n");
    const r = apex(outside);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([`apex: ${outside}:4: malformed YAML: All mapping items must start at the same column`]);
  });
});
