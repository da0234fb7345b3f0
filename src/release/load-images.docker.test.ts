// The loader the Dagger module runs in its toolbox: an untagged image tarball (as
// Container.asTarball hands over) is loaded into the Docker endpoint and named as compose
// expects, <prefix>/<service>:<tag>.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { docker, mustSucceed } from "../docker.ts";
import { loadImages } from "./load-images.ts";

const id = randomBytes(3).toString("hex");
const tmp = mkdtempSync(join(tmpdir(), "apex-load-"));
const built = `apexload${id}/src:local`;
const prefix = `apexload${id}`;

afterAll(async () => {
  await docker(["rmi", "-f", built, `${prefix}/svc:t1`]);
  rmSync(tmp, { recursive: true, force: true });
});

describe("load-images", () => {
  it("loads an untagged tarball and tags it <prefix>/<service>:<tag>", async () => {
    writeFileSync(join(tmp, "Dockerfile"), `FROM debian:trixie-slim\nLABEL apex.test=${id}\n`);
    mustSucceed(await docker(["build", "-q", "-t", built, tmp]), "docker build");
    const imageId = mustSucceed(await docker(["image", "inspect", "--format", "{{.Id}}", built]), "inspect").stdout.trim();
    const images = join(tmp, "images");
    mkdirSync(images);
    // Saved by id, the tarball carries no name: exactly the case the loader must handle.
    mustSucceed(await docker(["save", "-o", join(images, "svc.tar"), imageId]), "docker save");
    mustSucceed(await docker(["rmi", built]), "docker rmi");

    expect(await loadImages(images, prefix, "t1")).toEqual([`${prefix}/svc:t1`]);
    const loaded = await docker(["image", "inspect", "--format", "{{.Id}}", `${prefix}/svc:t1`]);
    expect(loaded.stdout.trim()).toBe(imageId);
  });

  it("fails loudly on a file that is not an image", async () => {
    const bad = join(tmp, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "svc.tar"), "not a tarball");
    await expect(loadImages(bad, prefix, "t2")).rejects.toThrow(/docker load svc.tar failed/);
  });
});
