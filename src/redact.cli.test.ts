// Secrets planted where apex writes: a foreign stack keeps its secret files in a directory of
// its own, two levels down; the value shows up in a finding (a bind mount under /etc named
// after it), in base64 in another. Neither may reach apex policy's stdout or any report file.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SECRET = "PlantedSecret0123456789abcdef";

describe("redaction in every output path (apex policy)", () => {
  it("masks a secret of the stack's own secrets directory in stdout and in json, md and sarif", () => {
    const dir = mkdtempSync(join(tmpdir(), "apex-plant-"));
    mkdirSync(join(dir, "keys", "uid-1000"), { recursive: true });
    writeFileSync(join(dir, "keys", "uid-1000", "token"), `${SECRET}\n`);
    const b64 = Buffer.from(`x${SECRET}`).toString("base64");
    writeFileSync(join(dir, "compose.yaml"), [
      "services:",
      "  app:",
      "    image: example/app:1",
      "    volumes:",
      `      - /etc/${SECRET}:/plain`,
      `      - /etc/${b64}:/encoded`,
      "    secrets: [token]",
      "secrets:",
      "  token:",
      "    file: ./keys/uid-1000/token",
      "",
    ].join("\n"));
    const out = join(dir, "report");
    const r = spawnSync(process.execPath, ["bin/apex.mjs", "policy", "-f", join(dir, "compose.yaml"), "--exemptions", "src/testdata/policy/exemptions/none.yaml", "--format", "json,md,sarif", "--out", out], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(1);
    const texts = [r.stdout, r.stderr, ...readdirSync(out).map((f) => readFileSync(join(out, f), "utf8"))];
    for (const t of texts) {
      expect(t).not.toContain(SECRET);
      expect(t).not.toContain(SECRET.slice(4, 20));
    }
    expect(readFileSync(join(out, "report.json"), "utf8")).toContain("/etc/[redacted]");
    // the base64 form is masked too: what is left of it no longer decodes to the secret
    const json = readFileSync(join(out, "report.json"), "utf8");
    expect(json).not.toContain(b64);
  });
});
