// cosign, the one place apex runs it. The key's password travels in COSIGN_PASSWORD (the
// environment of the child only), never in argv; cosign's own output is not echoed except
// its first error line. No Sigstore service is reachable from here: nothing is uploaded to
// a transparency log (--tlog-upload=false) and verification skips it (--insecure-ignore-tlog).
import { run, type RunResult } from "../../docker.ts";

export const CYCLONEDX_TYPE = "cyclonedx"; // cosign's shorthand for https://cyclonedx.org/bom

export interface SigningKey {
  /** Path of the cosign private key (cosign.key). */
  key: string;
  password: string;
}

const TIMEOUT_MS = 120_000;

function cosign(args: string[], password?: string): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, COSIGN_YES: "true" };
  delete env.COSIGN_PASSWORD;
  if (password !== undefined) env.COSIGN_PASSWORD = password;
  return run("cosign", args, { env, timeoutMs: TIMEOUT_MS });
}

/** cosign's own "Error:" line; without one (killed, crashed) the exit code, time and last line. */
const firstError = (r: RunResult) => {
  const error = r.stderr.split("\n").find((l) => /^Error:/.test(l));
  if (error) return error.replace(/^Error:\s*/, "");
  const killed = r.durationMs >= TIMEOUT_MS ? `, killed at the ${TIMEOUT_MS / 1000} s limit` : "";
  return `exit ${r.exitCode} after ${(r.durationMs / 1000).toFixed(1)} s${killed}, no error line (last: ${r.stderr.trim().split("\n").pop() || "nothing"})`;
};

/** Signs `predicateFile` as an in-toto attestation of `ref` (repo@sha256:...) and pushes it beside the image. */
export async function attest(ref: string, type: string, predicateFile: string, k: SigningKey): Promise<void> {
  const r = await cosign(["attest", "--yes", "--key", k.key, "--type", type, "--predicate", predicateFile, "--tlog-upload=false", ref], k.password);
  if (r.exitCode !== 0) throw new Error(`cosign attest --type ${type} ${ref} failed: ${firstError(r)}`);
}

export interface Statement {
  _type: string;
  predicateType: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicate: unknown;
}

export type Verified = { ok: true; statements: Statement[] } | { ok: false; reason: string };

/** Every attestation of `ref` of `type` whose signature `publicKey` verifies, decoded. */
export async function verifyAttestations(ref: string, type: string, publicKey: string): Promise<Verified> {
  const r = await cosign(["verify-attestation", "--key", publicKey, "--type", type, "--insecure-ignore-tlog=true", ref]);
  if (r.exitCode !== 0) return { ok: false, reason: firstError(r) };
  const statements: Statement[] = [];
  for (const line of r.stdout.split("\n").filter((l) => l.trim())) {
    const env = JSON.parse(line) as { payload: string };
    statements.push(JSON.parse(Buffer.from(env.payload, "base64").toString("utf8")) as Statement);
  }
  return { ok: true, statements };
}

/** A fresh key pair in `dir` (cosign.key, cosign.pub), encrypted with `password` (tests, key set-up). */
export async function generateKeyPair(dir: string, password: string): Promise<{ key: string; pub: string }> {
  const env = { ...process.env, COSIGN_PASSWORD: password };
  const r = await run("cosign", ["generate-key-pair"], { cwd: dir, env });
  if (r.exitCode !== 0) throw new Error(`cosign generate-key-pair failed: ${firstError(r)}`);
  return { key: `${dir}/cosign.key`, pub: `${dir}/cosign.pub` };
}
