// `apex admit IMAGE@DIGEST --key cosign.pub`: exit 0 when the image carries a posture
// attestation signed by that key, about that digest, of a passing verify (for --service, or
// every attested service), younger than --max-age; exit 1 with one line per reason otherwise;
// exit 2 for bad input (a tag instead of a digest, a missing key file, a bad --max-age).
import { existsSync } from "node:fs";
import { EXIT_FAIL, EXIT_PASS, UsageError } from "../errors.ts";
import { judge, parseAge, type Judgement } from "../release/attest/admit.ts";
import { verifyAttestations } from "../release/attest/cosign.ts";
import { POSTURE_PREDICATE_TYPE } from "../release/attest/predicate.ts";

export interface AdmitOptions {
  image: string;
  key: string;
  maxAge?: string;
  service?: string;
  format?: string;
}

const DIGEST_REF = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

export async function admit(o: AdmitOptions, now = new Date()): Promise<Judgement> {
  if (!DIGEST_REF.test(o.image)) throw new UsageError(`"${o.image}" is not IMAGE@sha256:<64 hex> (a tag can move; admit a digest)`);
  if (!existsSync(o.key)) throw new UsageError("public key not found", o.key);
  const maxAgeMs = o.maxAge === undefined ? undefined : parseAge(o.maxAge);
  if (o.maxAge !== undefined && maxAgeMs === undefined) throw new UsageError(`--max-age "${o.maxAge}" is not <n>s|m|h|d`);
  if (o.format !== undefined && o.format !== "json" && o.format !== "text") throw new UsageError(`--format "${o.format}" is not text or json`);
  const digest = o.image.slice(o.image.lastIndexOf("@") + 1);
  const v = await verifyAttestations(o.image, POSTURE_PREDICATE_TYPE, o.key);
  if (!v.ok) return { admit: false, reasons: [`no posture attestation verified by ${o.key}: ${v.reason}`], services: [] };
  return judge(v.statements, { digest, service: o.service, maxAgeMs, now });
}

export async function run(o: AdmitOptions): Promise<number> {
  const j = await admit(o);
  if (o.format === "json") process.stdout.write(`${JSON.stringify({ image: o.image, ...j })}\n`);
  else if (j.admit) process.stdout.write(`admit: ${o.image} (verified: ${j.services.join(", ")})\n`);
  else for (const r of j.reasons) process.stdout.write(`refuse: ${r}\n`);
  return j.admit ? EXIT_PASS : EXIT_FAIL;
}
