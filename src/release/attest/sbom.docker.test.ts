// SBOMs of the stack's real images: the postgres image's dpkg database (read with docker
// create + docker cp, never running it) lists postgresql-17 and pg_partman; the api image
// lists its Debian packages and, from the bundle metafile, fastify. Both are valid CycloneDX 1.6.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { beforeAll, describe, expect, it } from "vitest";
import { docker, mustSucceed } from "../../docker.ts";
import { readImageFile } from "./image-files.ts";
import { imageSbom } from "./image-sbom.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const validate = (json: string) => new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json);
const names = (bom: string) => (JSON.parse(bom).components as { name: string; purl: string }[]);

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, "scripts/build-services.mjs")]); // writes the metafiles
  for (const svc of ["postgres", "api"])
    if ((await docker(["image", "inspect", `apex/${svc}:local`])).exitCode !== 0)
      mustSucceed(await docker(["compose", "-f", join(ROOT, "infra/compose.yaml"), "build", svc]), `building ${svc}`);
});

describe("image SBOMs", () => {
  it("postgres: postgresql-17 and pg_partman from the image's dpkg database, valid CycloneDX 1.6", async () => {
    const bom = await imageSbom({ image: "apex/postgres:local", repository: "r/apex/postgres", digest: `sha256:${"1".repeat(64)}`, context: join(ROOT, "services/postgres"), root: ROOT, toolVersion: "0.1.0" });
    expect(await validate(bom)).toBeNull();
    const comps = names(bom);
    expect(comps.find((c) => c.name === "postgresql-17")?.purl).toMatch(/^pkg:deb\/debian\/postgresql-17@17\.[^?]+\?arch=amd64/);
    expect(comps.some((c) => /^postgresql-17-partman$/.test(c.name))).toBe(true);
    expect(comps.some((c) => c.purl.startsWith("pkg:npm/"))).toBe(false);
  });

  it("api: Debian packages and the bundled npm packages (fastify), valid CycloneDX 1.6", async () => {
    expect(existsSync(join(ROOT, "services/api/bundle.meta.json"))).toBe(true);
    const bom = await imageSbom({ image: "apex/api:local", repository: "r/apex/api", digest: `sha256:${"2".repeat(64)}`, context: join(ROOT, "services/api"), root: ROOT, toolVersion: "0.1.0" });
    expect(await validate(bom)).toBeNull();
    const comps = names(bom);
    expect(comps.find((c) => c.name === "fastify")?.purl).toMatch(/^pkg:npm\/fastify@5\./);
    expect(comps.some((c) => c.name === "nodejs" && c.purl.startsWith("pkg:deb/debian/nodejs@"))).toBe(true);
  });

  it("reads a file the image lacks as undefined, without leaving a container behind", async () => {
    expect(await readImageFile("apex/api:local", "/no/such/file")).toBeUndefined();
    expect((await docker(["ps", "-aq", "--filter", "label=io.apex.transient=read-file"])).stdout.trim()).toBe("");
  });
});
