// `apex attest --from report.json --sign-key cosign.key REF@DIGEST...`: the signing half of a
// release, for images someone else pushed (`dagger call release` pushes with Dagger, then
// runs this in the toolbox with the pushed references). It signs only what the saved report
// passed, only digests handed over from the push, and only images whose local copy is the one
// verify saw: the same gate and the same signing as `apex release --sign-key`.
import { readFileSync } from "node:fs";
import { EXIT_FAIL, EXIT_PASS } from "../errors.ts";
import { readReport } from "../report/validate.ts";
import { loadResolvedCompose } from "../sources/compose.ts";
import { gate, releaseImages } from "../release/images.ts";
import { changedLocally } from "../release/publish.ts";
import { parsePublished, signingKey, toSign } from "../release/attest/published.ts";
import { registryOf, withRegistryLogin } from "../release/attest/registry-login.ts";
import { signRelease, type Signed } from "../release/attest/sign-release.ts";

export interface AttestOptions {
  from: string;
  signKey: string;
  references: string[];
  compose?: string[];
  profile?: string[];
}

export interface AttestOutcome {
  exitCode: number;
  signed: Signed[];
  reason: string;
}

export async function attestPublished(o: AttestOptions): Promise<AttestOutcome> {
  const key = signingKey(o.signKey);
  const report = readReport(o.from);
  const model = await loadResolvedCompose({ files: o.compose?.length ? o.compose : ["infra/compose.yaml"], profiles: o.profile });
  const images = releaseImages(model);
  const published = parsePublished(o.references, images);
  const open = gate({ report, exitCode: report.status === "pass" ? 0 : 1 });
  if (!open.ok) return { exitCode: EXIT_FAIL, signed: [], reason: `${open.reason}: nothing signed` };

  const signing = published.map((p) => images.find((i) => i.name === p.name)!.image);
  const changed = await changedLocally(report, signing, ": its files make the SBOM (load the pushed images first)");
  if (changed.length) return { exitCode: EXIT_FAIL, signed: [], reason: `changed since verify: ${changed.join(", ")}: nothing signed` };

  const started = performance.now();
  const signed = await withRegistryLogin(published.map((p) => registryOf(p.reference)), () =>
    signRelease({ images: toSign(model, published, images), report, reportText: readFileSync(o.from, "utf8"), key, root: process.cwd() }),
  );
  return { exitCode: EXIT_PASS, signed, reason: `attested ${signed.length} image(s) (posture + SBOM) in ${Math.round(performance.now() - started)} ms` };
}

export async function run(o: AttestOptions): Promise<number> {
  const r = await attestPublished(o);
  for (const s of r.signed) {
    process.stdout.write(`${s.reference}\n`);
    process.stderr.write(`apex attest: attested ${s.reference} (${s.services.join(", ")}): sbom ${s.sbomMs} ms, signing ${s.signMs} ms\n`);
  }
  process.stderr.write(`apex attest: ${r.reason}\n`);
  return r.exitCode;
}
