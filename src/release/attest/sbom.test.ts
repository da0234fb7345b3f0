// The SBOM's parts on canned inputs: dpkg stanzas (installed only, continuation lines,
// epochs), metafile inputs → package dirs, and a BOM that the CycloneDX 1.6 JSON schema
// (shipped with the library, strict) accepts, with purls as the purl spec writes them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../errors.ts";
import { bundledPackages, packageDir } from "./bundle-packages.ts";
import { parseDpkgStatus } from "./dpkg.ts";
import { buildSbom } from "./sbom.ts";

const status = readFileSync(join(import.meta.dirname, "../../testdata/attest/dpkg-status"), "utf8");
const tmp = mkdtempSync(join(tmpdir(), "apex-sbom-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cyclonedx16Errors(json: string): Promise<unknown> {
  return new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json);
}

describe("dpkg status", () => {
  it("lists installed packages only, with version, arch and a differing source", () => {
    expect(parseDpkgStatus(status)).toEqual([
      { name: "libc6", version: "2.41-12", arch: "amd64" },
      { name: "postgresql-17-partman", version: "5.2.4-1", arch: "amd64", source: "pg-partman" },
      { name: "tzdata", version: "1:2025b-4", arch: "all" },
    ]);
  });
  it("reads nothing from text that is not a status file", () => expect(parseDpkgStatus("hello\nworld\n")).toEqual([]));
});

describe("bundled npm packages", () => {
  it("maps inputs to package dirs, scoped and nested", () => {
    expect(packageDir("node_modules/fastify/lib/route.js")).toBe("node_modules/fastify");
    expect(packageDir("node_modules/@fastify/error/index.js")).toBe("node_modules/@fastify/error");
    expect(packageDir("node_modules/a/node_modules/@s/b/x.js")).toBe("node_modules/a/node_modules/@s/b");
    expect(packageDir("services/api/src/server.ts")).toBeUndefined();
  });
  it("reads each package's version from its package.json, once per directory", () => {
    for (const [dir, name, version] of [["node_modules/fastify", "fastify", "5.1.0"], ["node_modules/@fastify/error", "@fastify/error", "4.0.0"]]) {
      mkdirSync(join(tmp, dir), { recursive: true });
      writeFileSync(join(tmp, dir, "package.json"), JSON.stringify({ name, version }));
    }
    const meta = { inputs: { "node_modules/fastify/a.js": {}, "node_modules/fastify/b.js": {}, "node_modules/@fastify/error/index.js": {}, "src/x.ts": {} } };
    expect(bundledPackages(JSON.stringify(meta), "m.json", tmp)).toEqual([
      { name: "@fastify/error", version: "4.0.0", dir: "node_modules/@fastify/error" },
      { name: "fastify", version: "5.1.0", dir: "node_modules/fastify" },
    ]);
  });
  it("refuses a file that is not a metafile, or a package that is not there, naming the file", () => {
    expect(() => bundledPackages("{", "m.json", tmp)).toThrow(UsageError);
    expect(() => bundledPackages("{}", "m.json", tmp)).toThrow(/m.json|metafile/);
    try {
      bundledPackages(JSON.stringify({ inputs: { "node_modules/gone/x.js": {} } }), "m.json", tmp);
      expect.unreachable();
    } catch (e) {
      expect((e as UsageError).oneLine()).toMatch(/^m\.json: bundled package node_modules\/gone/);
    }
  });
});

describe("CycloneDX 1.6 BOM", () => {
  const bom = buildSbom({
    repository: "127.0.0.1:5000/apex/api",
    digest: `sha256:${"ab".repeat(32)}`,
    debs: parseDpkgStatus(status),
    npm: [{ name: "fastify", version: "5.1.0", dir: "node_modules/fastify" }, { name: "@fastify/error", version: "4.0.0", dir: "x" }],
    toolVersion: "0.1.0",
    timestamp: new Date("2026-01-02T03:04:05Z"),
  });
  const doc = JSON.parse(bom);
  it("is valid against the CycloneDX 1.6 JSON schema (strict)", async () => {
    expect(await cyclonedx16Errors(bom)).toBeNull();
    expect(doc.specVersion).toBe("1.6");
    expect(doc.bomFormat).toBe("CycloneDX");
  });
  it("names the image by its digest and lists every package with a purl", () => {
    expect(doc.metadata.component).toMatchObject({ type: "container", name: "127.0.0.1:5000/apex/api", version: `sha256:${"ab".repeat(32)}` });
    const purls = doc.components.map((c: { purl: string }) => c.purl);
    expect(purls).toContain("pkg:deb/debian/libc6@2.41-12?arch=amd64");
    expect(purls).toContain("pkg:deb/debian/tzdata@1:2025b-4?arch=all");
    expect(purls).toContain("pkg:deb/debian/postgresql-17-partman@5.2.4-1?arch=amd64&upstream=pg-partman");
    expect(purls).toContain("pkg:npm/fastify@5.1.0");
    expect(purls).toContain("pkg:npm/%40fastify/error@4.0.0");
    expect(purls).not.toContain(expect.stringContaining("old-removed"));
  });
  it("a broken BOM is caught by the same validator (the check can fail)", async () => {
    const broken = { ...doc, components: [{ type: "no-such-type", name: "x" }] };
    expect(await cyclonedx16Errors(JSON.stringify(broken))).not.toBeNull();
  });
});
