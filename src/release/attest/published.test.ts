import { existsSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../errors.ts";
import { parsePublished } from "./published.ts";
import { registryOf, withRegistryLogin } from "./registry-login.ts";

const D = `sha256:${"ab".repeat(32)}`;
const images = [{ name: "postgres", image: "apex/postgres:local" }, { name: "api", image: "apex/api:local" }];

describe("parsePublished: what a push returned, to sign", () => {
  it("takes repo@digest and repo:tag@digest (Dagger's publish), a registry port never read as a tag", () => {
    expect(parsePublished([`127.0.0.1:5000/apex/postgres:v1@${D}`, `ghcr.io/acme/api@${D}`], images)).toEqual([
      { name: "postgres", reference: `127.0.0.1:5000/apex/postgres@${D}` },
      { name: "api", reference: `ghcr.io/acme/api@${D}` },
    ]);
    expect(parsePublished([`localhost:5000/postgres@${D}`], images)).toEqual([{ name: "postgres", reference: `localhost:5000/postgres@${D}` }]);
  });

  it("refuses a tag without a digest, a short digest, an image compose does not build, and nothing at all", () => {
    for (const bad of [["r.example/apex/postgres:v1"], [`r.example/apex/postgres@sha256:abc`], [`r.example/apex/report:v1@${D}`], []]) {
      expect(() => parsePublished(bad, images)).toThrow(UsageError);
    }
    expect(() => parsePublished([`r.example/x/report:v1@${D}`], images)).toThrow(/report is not an image this compose model builds \(postgres, api\)/);
  });
});

describe("withRegistryLogin: credentials from the environment reach cosign's config only for the signing", () => {
  it("writes a 0600 config naming each registry, removes it after, and restores DOCKER_CONFIG", async () => {
    const saved = { ...process.env };
    process.env.APEX_REGISTRY_USERNAME = "ci";
    process.env.APEX_REGISTRY_PASSWORD = "s3cret";
    process.env.DOCKER_CONFIG = "/somewhere/else";
    let seen = "";
    try {
      await withRegistryLogin([registryOf(`ghcr.io/acme/api@${D}`), "ghcr.io"], async () => {
        seen = process.env.DOCKER_CONFIG!;
        const cfg = JSON.parse(readFileSync(`${seen}/config.json`, "utf8"));
        expect(Object.keys(cfg.auths)).toEqual(["ghcr.io"]);
        expect(statSync(`${seen}/config.json`).mode & 0o777).toBe(0o600);
        expect(Buffer.from(cfg.auths["ghcr.io"].auth, "base64").toString()).toBe("ci:s3cret");
      });
      expect(existsSync(seen)).toBe(false);
      expect(process.env.DOCKER_CONFIG).toBe("/somewhere/else");
    } finally {
      process.env = saved;
    }
  });

  it("leaves the usual docker config alone when no credentials are given", async () => {
    const saved = { ...process.env };
    delete process.env.APEX_REGISTRY_USERNAME;
    delete process.env.APEX_REGISTRY_PASSWORD;
    delete process.env.DOCKER_CONFIG;
    try {
      expect(await withRegistryLogin(["ghcr.io"], async () => process.env.DOCKER_CONFIG)).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });
});
