// A local image built from an older Dockerfile: the dockerfile/* rule judges the Dockerfile
// as it is now, the image/* rules the image, and neither stands in for the other. A real
// image, built in a temporary directory under a tag of its own and removed after.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, mustSucceed } from "../docker.ts";
import { runPolicy } from "../policy.ts";
import type { CheckResult } from "../types.ts";

const tag = `apex-stale-image-${randomBytes(4).toString("hex")}:test`;
const dir = mkdtempSync(join(tmpdir(), "apex-stale-"));
const dockerfile = (user: string) => writeFileSync(join(dir, "Dockerfile"), `FROM ${process.env.BASE_IMAGE ?? "debian:trixie-slim"}\nUSER ${user}\n`);
const IDS = ["dockerfile/user-non-root", "image/user-non-root", "image/config-matches-dockerfile"];

async function judged(): Promise<Record<string, CheckResult>> {
  const results = await runPolicy({ target: { files: [join(dir, "compose.yaml")], projectName: "apex-stale" }, readImages: true, repoRoot: dir, exemptions: [] });
  return Object.fromEntries(results.filter((r) => r.service === "app" && IDS.includes(r.id)).map((r) => [r.id, r]));
}

beforeAll(async () => {
  writeFileSync(join(dir, "compose.yaml"), `services:\n  app:\n    image: ${tag}\n    build: { context: . }\n`);
  dockerfile("1000");
  mustSucceed(await docker(["build", "-q", "-t", tag, dir]), "docker build");
}, 120_000);

afterAll(async () => {
  await docker(["rmi", "-f", tag]);
  rmSync(dir, { recursive: true, force: true });
});

describe("a stale local image", () => {
  it("built from USER 1000 and current: all three pass", async () => {
    const r = await judged();
    for (const id of IDS) expect(r[id], id).toMatchObject({ status: "pass" });
  });

  it("the Dockerfile now says USER root, the image was not rebuilt: the Dockerfile fails, the image rule reports the mismatch", async () => {
    dockerfile("root");
    const r = await judged();
    expect(r["dockerfile/user-non-root"]).toMatchObject({ status: "fail", message: "Dockerfile runs as root (root)", location: { file: "Dockerfile", line: 2 } });
    expect(r["image/config-matches-dockerfile"]).toMatchObject({ status: "fail", message: 'image USER "1000" but Dockerfile USER "root"' });
    // the image itself still runs as 1000: the image rule says what the image is, not the Dockerfile
    expect(r["image/user-non-root"]).toMatchObject({ status: "pass" });
  });
});
