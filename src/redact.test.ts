import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MASK, clip, loadSecretValues, redact, redactDeep, secretDirsOf, useSecrets } from "./redact.ts";

const SECRET = "s3cr3t-Value-0123456789";

describe("redact", () => {
  const dir = mkdtempSync(join(tmpdir(), "apex-secrets-"));
  writeFileSync(join(dir, "app_db_password"), `${SECRET}\n`);
  writeFileSync(join(dir, "userlist.txt"), '"apex_app" "SCRAM-SHA-256$4096:abcdefghijklmnop"\n');
  // the stack's layout: one directory per consumer uid, below the secrets directory
  mkdirSync(join(dir, "uid-999"));
  writeFileSync(join(dir, "uid-999", "backup.pgpass"), "postgres:5432:apex:apex_backup:Nested0Secret0Value0xyz\n");
  const secrets = loadSecretValues([dir]);

  it("masks every secret file value and the tokens of derived files, at any depth", () => {
    expect(redact(`password=${SECRET} ok`, secrets)).toBe(`password=${MASK} ok`);
    expect(redact("hash SCRAM-SHA-256$4096:abcdefghijklmnop", secrets)).not.toContain("abcdefghijklmnop");
    expect(redact("pgpass says Nested0Secret0Value0xyz", secrets)).toBe(`pgpass says ${MASK}`);
  });

  it("masks base64 forms at every alignment, and URL-encoded ones", () => {
    for (const prefix of ["", "a", "ab", "abc"]) {
      const b64 = Buffer.from(`${prefix}${SECRET}!`).toString("base64");
      const out = redact(`Authorization: Basic ${b64}`, secrets);
      expect(out, prefix).toContain(MASK);
      // what is left of the encoding no longer decodes to the secret
      expect(Buffer.from(out.split(" ").pop()!.replace(MASK, ""), "base64").toString()).not.toContain(SECRET.slice(2, -2));
    }
    const special = mkdtempSync(join(tmpdir(), "apex-secrets-"));
    writeFileSync(join(special, "p"), "with space/and+plus=x\n");
    expect(redact("url p=with%20space%2Fand%2Bplus%3Dx", loadSecretValues([special]))).toBe(`url p=${MASK}`);
  });

  it("clip redacts before it cuts: no half secret at the edge", () => {
    useSecrets(secrets);
    const text = `${"x".repeat(100)}${SECRET}${"y".repeat(5)}`;
    for (const max of [8, 12, 15, 20]) {
      const cut = clip(text, max, "tail");
      for (let i = 0; i + 4 <= SECRET.length; i++) expect(cut, `max ${max}`).not.toContain(SECRET.slice(i, i + 4));
    }
    expect(clip(text, 15, "tail")).toBe(`${MASK}yyyyy`);
    useSecrets([]);
  });

  it("leaves text without secrets unchanged and walks nested values", () => {
    expect(redact("nothing here", secrets)).toBe("nothing here");
    const out = redactDeep({ a: [`x ${SECRET}`], n: 3 }, secrets);
    expect(out).toEqual({ a: [`x ${MASK}`], n: 3 });
  });

  it("finds nothing in a missing directory; finds the stack's directories from its model", () => {
    expect(loadSecretValues([join(dir, "absent")])).toEqual([]);
    const dirs = secretDirsOf({ name: "x", services: {}, secrets: { a: { file: "/srv/keys/uid-1000/a" }, b: { file: "/etc/apex/b" } } });
    expect(dirs).toEqual(expect.arrayContaining(["/srv/keys/uid-1000", "/srv/keys", "/etc/apex"]));
  });
});
