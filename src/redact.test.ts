import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MASK, loadSecretValues, redact, redactDeep } from "./redact.ts";

describe("redact", () => {
  const dir = mkdtempSync(join(tmpdir(), "apex-secrets-"));
  writeFileSync(join(dir, "app_db_password"), "s3cr3t-Value-0123456789\n");
  writeFileSync(join(dir, "userlist.txt"), '"apex_app" "SCRAM-SHA-256$4096:abcdefghijklmnop"\n');
  const secrets = loadSecretValues(dir);

  it("masks every secret file value and the tokens of derived files", () => {
    expect(redact("password=s3cr3t-Value-0123456789 ok", secrets)).toBe(`password=${MASK} ok`);
    expect(redact("hash SCRAM-SHA-256$4096:abcdefghijklmnop", secrets)).not.toContain("abcdefghijklmnop");
  });

  it("leaves text without secrets unchanged and walks nested values", () => {
    expect(redact("nothing here", secrets)).toBe("nothing here");
    const out = redactDeep({ a: ["x s3cr3t-Value-0123456789"], n: 3 }, secrets);
    expect(out).toEqual({ a: [`x ${MASK}`], n: 3 });
  });

  it("finds nothing in a missing directory", () => {
    expect(loadSecretValues(join(dir, "absent"))).toEqual([]);
  });
});
