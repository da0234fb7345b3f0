// The Dagger module, checked without an engine (none can run here): it type-checks against
// the installed @dagger.io/dagger, and the SDK's own introspection (the code the engine
// runs to register a module) sees exactly the functions, arguments, defaults and docs the
// CLI help will show.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const SDK = join(ROOT, "node_modules/@dagger.io/dagger/dist/src");
const MODULE_SRC = join(ROOT, "ci/src");
// .git stays in: the toolbox has git and reports name their commit
const SOURCE_IGNORE = ["node_modules", "**/node_modules", "report", "infra/secrets", "services/*/dist"];
const BASE = "debian:trixie-slim";

interface Arg {
  name: string;
  description: string;
  type: { kind: string; name?: string };
  isOptional: boolean;
  defaultValue?: string;
  defaultPath?: string;
  ignore?: string[];
}
interface Fn {
  description: string;
  arguments: Record<string, Arg>;
  returnType: { kind: string; name?: string; typeDef?: { kind: string; name?: string } };
}

/** The entrypoint wants the generated client as `client.gen.ts`; the package ships it as .d.ts. */
function clientGen(): string {
  const dir = mkdtempSync(join(tmpdir(), "apex-dagger-client-"));
  const text = readFileSync(join(SDK, "api/client.gen.d.ts"), "utf8").replace(
    '"../common/context.js"',
    JSON.stringify(join(SDK, "common/context.js")),
  );
  writeFileSync(join(dir, "client.gen.ts"), text);
  return join(dir, "client.gen.ts");
}

let fns: Record<string, Fn>;
let ctor: Record<string, Arg>;
let client: string;

async function introspect(srcDir: string): Promise<Record<string, Fn>> {
  const { stdout } = await run(
    process.execPath,
    [join(SDK, "module/entrypoint/introspection_entrypoint.js"), "apex", srcDir, client],
    { env: { ...process.env, DRY_RUN: "1" }, cwd: ROOT },
  );
  const mod = JSON.parse(stdout.slice(stdout.indexOf("{")));
  expect(mod.name).toBe("Apex");
  return { ...mod.objects.Apex.methods, [CTOR]: { description: "", arguments: mod.objects.Apex.constructor?.arguments ?? {}, returnType: { kind: "VOID_KIND" } } };
}
/** The constructor's arguments ride along under this key (not a function name). */
const CTOR = "(constructor)";

async function tscErrors(project: string): Promise<string> {
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  const r = await run(process.execPath, [tsc, "--noEmit", "-p", project], { cwd: ROOT }).catch((e) => e);
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
}

// A broken copy of the module lives under node_modules/.cache so that it resolves the same SDK.
const scratch = join(ROOT, "node_modules/.cache");
mkdirSync(scratch, { recursive: true });
const broken = mkdtempSync(join(scratch, "apex-module-"));
afterAll(() => rmSync(broken, { recursive: true, force: true }));

beforeAll(async () => {
  client = clientGen();
  const all = await introspect(MODULE_SRC);
  ctor = all[CTOR]!.arguments;
  delete all[CTOR];
  fns = all;
}, 120_000);

const source = (a: Arg) => {
  expect(a.type).toEqual({ kind: "OBJECT_KIND", name: "Directory" });
  expect(a.defaultPath).toBe("/");
  expect(a.ignore).toEqual(SOURCE_IGNORE);
  expect(a.description).toMatch(/repository/);
};
const baseImage = (a: Arg) => {
  expect(a.type.kind).toBe("STRING_KIND");
  expect(a.defaultValue).toBe(BASE);
  expect(a.description).toMatch(/BASE_IMAGE/);
};
// air-gapped: the base image as a tarball File, optional
const baseTarball = (a: Arg) => {
  expect(a.type).toEqual({ kind: "OBJECT_KIND", name: "File" });
  expect(a.isOptional).toBe(true);
  expect(a.description).toMatch(/BASE_IMAGE as a docker save \/ OCI tarball/);
};
const str = (a: Arg) => {
  expect(a.type.kind).toBe("STRING_KIND");
  expect(a.isOptional).toBe(false);
  expect(a.defaultValue).toBeUndefined();
  expect(a.description.length).toBeGreaterThan(5);
};

describe("the apex Dagger module", () => {
  it("type-checks against the installed SDK (tsc --noEmit -p ci/tsconfig.json)", async () => {
    expect(await tscErrors("ci/tsconfig.json")).toBe("");
  }, 120_000);

  it("catches a broken module: a misspelled API fails tsc, a shared @argument constant loses defaultPath", async () => {
    cpSync(MODULE_SRC, join(broken, "src"), { recursive: true });
    cpSync(join(ROOT, "ci/tsconfig.json"), join(broken, "tsconfig.json"));
    const publish = join(broken, "src/publish.ts");
    writeFileSync(publish, readFileSync(publish, "utf8").replace(".publish(", ".publishTo("));
    expect(await tscErrors(broken)).toMatch(/publishTo/);

    const index = join(broken, "src/index.ts");
    const text = readFileSync(index, "utf8");
    const literal = text.match(/@argument\((\{ defaultPath[^)]*\})\)/)![1];
    writeFileSync(index, `const SOURCE = ${literal};\n` + text.replaceAll(`@argument(${literal})`, "@argument(SOURCE)"));
    const lost = await introspect(join(broken, "src"));
    expect(lost[CTOR]!.arguments.source!.defaultPath).toBeUndefined();
    expect(() => source(lost[CTOR]!.arguments.source!)).toThrow();
  }, 120_000);

  it("dagger.json names the module apex, TypeScript SDK, source ci", () => {
    const cfg = JSON.parse(readFileSync(join(ROOT, "dagger.json"), "utf8"));
    expect(cfg).toMatchObject({ name: "apex", sdk: { source: "typescript" }, source: "ci" });
    const pkg = JSON.parse(readFileSync(join(ROOT, "ci/package.json"), "utf8"));
    expect(pkg.type).toBe("module");
    expect(pkg.dependencies["@dagger.io/dagger"]).toBeDefined();
  });

  it("exposes exactly build, policy, verify, gate and release, each with a one-line doc", () => {
    expect(Object.keys(fns).sort()).toEqual(["build", "gate", "policy", "release", "verify"]);
    for (const [name, f] of Object.entries(fns)) {
      expect(f.description, name).toMatch(/^[A-Z][^\n]{10,110}$/);
    }
  });

  it("takes the source once, in the constructor (dagger call --source DIR <function>)", () => {
    expect(Object.keys(ctor)).toEqual(["source"]);
    source(ctor.source!);
    for (const [name, f] of Object.entries(fns)) expect(Object.keys(f.arguments), name).not.toContain("source");
  });

  it("build(baseImage, baseImageTarball?) returns the service containers", () => {
    const f = fns.build;
    expect(Object.keys(f.arguments)).toEqual(["baseImage", "baseImageTarball"]);
    baseImage(f.arguments.baseImage);
    baseTarball(f.arguments.baseImageTarball);
    expect(f.returnType).toEqual({ kind: "LIST_KIND", typeDef: { kind: "OBJECT_KIND", name: "Container" } });
    expect(f.description).toMatch(/Dockerfile/);
  });

  it("policy() returns a Directory", () => {
    const f = fns.policy;
    expect(Object.keys(f.arguments)).toEqual([]);
    expect(f.returnType).toEqual({ kind: "OBJECT_KIND", name: "Directory" });
    expect(f.description).toMatch(/static/);
  });

  it("verify(baseImage, baseImageTarball?) returns the report Directory, also on failure", () => {
    const f = fns.verify;
    expect(Object.keys(f.arguments)).toEqual(["baseImage", "baseImageTarball"]);
    baseImage(f.arguments.baseImage);
    baseTarball(f.arguments.baseImageTarball);
    expect(f.returnType).toEqual({ kind: "OBJECT_KIND", name: "Directory" });
    expect(f.description).toMatch(/Docker-in-Dagger.*report.*fails/);
  });

  it("gate(baseImage, baseImageTarball?) returns nothing and is registered as a check", async () => {
    const f = fns.gate;
    expect(Object.keys(f.arguments)).toEqual(["baseImage", "baseImageTarball"]);
    baseImage(f.arguments.baseImage);
    baseTarball(f.arguments.baseImageTarball);
    expect(f.returnType).toEqual({ kind: "VOID_KIND" });
    // isCheck is not in the entrypoint's JSON: read it from the same scan the entrypoint uses.
    const { scan } = await import(pathToFileURL(join(SDK, "module/introspector/index.js")).href);
    const files = readdirSync(MODULE_SRC).filter((f) => f.endsWith(".ts")).map((f) => join(MODULE_SRC, f));
    const mod = await scan([...files, client], "apex", false);
    const checks = Object.entries(mod.objects.Apex.methods).filter(([, m]) => (m as { isCheck: boolean }).isCheck);
    expect(checks.map(([n]) => n)).toEqual(["gate"]);
  }, 60_000);

  it("release(registry, tag, username, password: Secret, baseImage, baseImageTarball?, signKey?: Secret, signKeyPassword?: Secret) returns references", () => {
    const f = fns.release;
    expect(Object.keys(f.arguments)).toEqual(["registry", "tag", "username", "password", "baseImage", "baseImageTarball", "signKey", "signKeyPassword"]);
    baseTarball(f.arguments.baseImageTarball);
    for (const k of ["signKey", "signKeyPassword"]) {
      expect(f.arguments[k].type).toEqual({ kind: "OBJECT_KIND", name: "Secret" });
      expect(f.arguments[k].isOptional).toBe(true);
    }
    str(f.arguments.registry);
    str(f.arguments.tag);
    str(f.arguments.username);
    expect(f.arguments.password.type).toEqual({ kind: "OBJECT_KIND", name: "Secret" });
    expect(f.arguments.password.isOptional).toBe(false);
    baseImage(f.arguments.baseImage);
    expect(f.returnType).toEqual({ kind: "LIST_KIND", typeDef: { kind: "STRING_KIND" } });
    expect(f.description).toMatch(/digest/);
  });

  it("takes no credential as a plain string: only Secret-typed arguments carry passwords or tokens", () => {
    for (const [name, f] of Object.entries(fns))
      for (const a of Object.values(f.arguments))
        if (/pass|token|secret|key/i.test(a.name)) expect(a.type.name, `${name}.${a.name}`).toBe("Secret");
    const code = readdirSync(MODULE_SRC).map((f) => readFileSync(join(MODULE_SRC, f), "utf8")).join("\n");
    expect(code).not.toMatch(/setSecret|plaintext\(/);
  });

  // Issue 17: the defects of the first module, each asserted on the module's source or on
  // what the SDK's own scan reads from it (no engine runs here).
  describe("issue 17: the pipeline's own containers and a verification that never replays", () => {
    const code = (f: string) => readFileSync(join(MODULE_SRC, f), "utf8");
    const all = () => readdirSync(MODULE_SRC).map(code).join("\n");
    const scanned = async () => {
      const { scan } = await import(pathToFileURL(join(SDK, "module/introspector/index.js")).href);
      const files = readdirSync(MODULE_SRC).filter((f) => f.endsWith(".ts")).map((f) => join(MODULE_SRC, f));
      return (await scan([...files, client], "apex", false)).objects.Apex.methods as Record<string, { cache?: string }>;
    };

    it("pulls no image but BASE_IMAGE: no .from(), both ci images built from ci/images/<name> on the base (dockerBuild, or replayed on an imported tarball)", () => {
      expect(all()).not.toMatch(/\.from\(/);
      expect(all()).not.toMatch(/docker:27|node:20/);
      expect(code("ciImages.ts")).toMatch(/buildOn\(source\.directory\(`ci\/images\/\$\{name\}`\), baseImage,/);
      expect(code("base.ts")).toMatch(/context\.dockerBuild\(\{ dockerfile: "Dockerfile", buildArgs: \[\{ name: "BASE_IMAGE", value: base \}\] \}\)/);
      expect(code("index.ts")).toMatch(/tarball \? dag\.container\(\)\.import_\(tarball\) : baseImage/);
      expect(code("toolbox.ts")).toMatch(/ciImage\(source, "toolbox", baseImage\)/);
      expect(code("engine.ts")).toMatch(/ciImage\(source, "engine", baseImage\)/);
      for (const name of ["toolbox", "engine"]) expect(readFileSync(join(ROOT, `ci/images/${name}/Dockerfile`), "utf8")).toMatch(/^FROM \$\{BASE_IMAGE\}$/m);
    });

    it("(1) the engine's own entrypoint runs: asService with useEntrypoint, no args replacing it", () => {
      const svc = code("engine.ts").match(/\.asService\((\{[^}]*\})\)/)![1];
      expect(svc).toMatch(/useEntrypoint: true/);
      expect(svc).toMatch(/insecureRootCapabilities: true/);
      expect(svc).not.toMatch(/args/);
    });

    it("(2)(4) verify, gate and release are never cached (FunctionCachePolicy Never); build and policy keep the default", async () => {
      const m = await scanned();
      expect(Object.fromEntries(Object.entries(m).map(([n, f]) => [n, f.cache]))).toEqual({
        build: undefined, policy: undefined, verify: "never", gate: "never", release: "never",
      });
    }, 60_000);

    it("(2) gate and release run verify strictly (a failing verify is a failing exec); every run has its own id as an exec input", () => {
      const index = code("index.ts");
      expect(index.match(/verification\(this\.source, [^,]+(\([^)]*\))?, randomUUID\(\)(, \{[^}]*\})?\)/g)).toEqual([
        "verification(this.source, base(baseImage, baseImageTarball), randomUUID())",
        "verification(this.source, base(baseImage, baseImageTarball), randomUUID(), { strict: true })",
      ]);
      expect(index).toMatch(/const run = randomUUID\(\);[^]*verification\(this\.source, from, run, \{ images, strict: true \}\)/);
      expect(code("engine.ts")).toMatch(/expect: opts\.strict \? ReturnType\.Success : ReturnType\.Any/);
      expect(code("engine.ts")).toMatch(/withEnvVariable\("APEX_RUN", run\)/);
    });

    it("(3) images are loaded and verified in one exec, against engine state named after the run (no shared cache, no PRIVATE lock)", () => {
      const engine = code("engine.ts");
      expect(engine.match(/withExec\(/g)).toHaveLength(2); // runApex (policy) and the one verify exec
      expect(engine).toMatch(/withExec\(loadThen\(verifyArgv\(\{\}, REPORT_DIR\)\)/);
      expect(engine).not.toMatch(/LOAD_IMAGES|CacheSharingMode|"apex-dind"|apex-stack-secrets/);
      expect(engine).toMatch(/dag\.cacheVolume\(`apex-\$\{what\}-\$\{run\}`\)/);
    });

    it("(4) release pushes one image at a time and the report last; no Promise.all", () => {
      const publish = code("publish.ts");
      expect(publish).not.toMatch(/Promise\.all/);
      expect(publish.indexOf("for (const i of images)")).toBeLessThan(publish.indexOf('reportImage(report, "pass")'));
    });

    it("(4) release signs what it pushed (the references the pushes returned), after every image push and before the report", () => {
      const release = code("index.ts").slice(code("index.ts").indexOf("async release("));
      const order = ["publishImages(images, target)", "attestPushed(", "publishReport(report, target)"].map((s) => release.indexOf(s));
      expect(order.every((i) => i > 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(release).toMatch(/attestPushed\(this\.source, from, images, report, refs, target/);
      const attest = code("attest.ts");
      expect(attest).toMatch(/withMountedSecret\(SIGN_KEY_PATH, signing\.key\)/);
      expect(attest).toMatch(/withSecretVariable\("COSIGN_PASSWORD", signing\.password\)/);
      expect(attest).toMatch(/withSecretVariable\("APEX_REGISTRY_PASSWORD", target\.password\)/);
      expect(attest).toMatch(/withExec\(attestArgv\(refs\)\)/); // strict: a failed signing fails the release
      expect(readFileSync(join(ROOT, "ci/images/toolbox/Dockerfile"), "utf8")).toMatch(/^\s+nodejs npm .*\bcosign\b/m);
    });

    it("(5) npm install sees only the manifests, then the whole source (with .git) is copied", () => {
      const tb = code("toolbox.ts");
      const order = ["{ include: NPM_MANIFESTS }", "withExec(NPM_INSTALL)", 'withDirectory(WORKDIR, source, { exclude: ["node_modules"] })'].map((s) => tb.indexOf(s));
      expect(order.every((i) => i > 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(ctor.source!.ignore).not.toContain(".git");
    });
  });
});

