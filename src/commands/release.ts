// `apex release`: the same release step as `dagger call release`, without Dagger. Verify
// runs first; only when it passes are the images compose builds and the report pushed.
// Nothing is pushed when verify fails, or when an image changed since verify saw it.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { EXIT_FAIL, EXIT_PASS } from "../errors.ts";
import type { Format } from "../cli.ts";
import { readReport } from "../report/validate.ts";
import { loadResolvedCompose } from "../sources/compose.ts";
import { checkTarget, gate, releaseImages } from "../release/images.ts";
import { changedLocally, publish, REPORT_NAME, type Published } from "../release/publish.ts";
import type { Report } from "../types.ts";
import { signRelease, type Signed } from "../release/attest/sign-release.ts";
import { signingKey, toSign } from "../release/attest/published.ts";

// Every rendering travels with the release (cli.ts is not imported: it parses argv on load).
const ALL_FORMATS: Format[] = ["json", "md", "junit", "sarif", "html"];

export interface ReleaseOptions {
  registry: string;
  tag: string;
  compose?: string[];
  profile?: string[];
  out: string;
  exemptions?: string;
  skipVerifyFrom?: string;
  /** cosign private key: sign a posture attestation and an SBOM for every image.
   *  Its password comes from COSIGN_PASSWORD, never from argv. */
  signKey?: string;
}

export interface ReleaseOutcome {
  exitCode: number;
  published: Published[];
  signed: Signed[];
  signMs?: number;
  reason: string;
}

interface VerifyResult {
  report: Report;
  exitCode: number;
  reportDir: string;
  reportFile: string;
}

/** A saved report stands in for a verify run: its status decides, its folder is published.
 *  It is read as `apex report` reads one, through the report schema: whatever guards
 *  publishing is the strictest reader apex has. */
function savedVerify(file: string): VerifyResult {
  const report = readReport(file);
  return { report, exitCode: report.status === "pass" ? EXIT_PASS : EXIT_FAIL, reportDir: dirname(file), reportFile: file };
}

export async function release(opts: ReleaseOptions): Promise<ReleaseOutcome> {
  checkTarget(opts.registry, opts.tag);
  // the key is checked before anything runs: a release that cannot sign pushes nothing
  const key = opts.signKey === undefined ? undefined : signingKey(opts.signKey);
  const compose = opts.compose?.length ? opts.compose : ["infra/compose.yaml"];
  const model = await loadResolvedCompose({ files: compose, profiles: opts.profile });
  const images = releaseImages(model);

  const verified: VerifyResult = opts.skipVerifyFrom
    ? savedVerify(opts.skipVerifyFrom)
    : {
        // Loaded on demand: a release from a saved report needs none of the pipeline.
        ...(await (await import("./verify.ts")).runVerify({
          compose,
          profile: opts.profile ?? [],
          format: ALL_FORMATS,
          out: opts.out,
          exemptions: opts.exemptions,
        })),
        reportDir: opts.out,
        reportFile: join(opts.out, "report.json"),
      };
  const open = gate(verified);
  if (!open.ok) return { exitCode: EXIT_FAIL, published: [], signed: [], reason: `${open.reason}: nothing pushed, nothing signed` };

  const changed = await changedLocally(verified.report, images.map((i) => i.image), " (build it, or run without --skip-verify-from)");
  if (changed.length) return { exitCode: EXIT_FAIL, published: [], signed: [], reason: `changed since verify: ${changed.join(", ")}: nothing pushed` };

  const published = await publish({
    registry: opts.registry,
    tag: opts.tag,
    images,
    reportDir: verified.reportDir,
    reportStatus: verified.report.status,
  });
  if (!key) return { exitCode: EXIT_PASS, published, signed: [], reason: `published ${published.length} image(s), unsigned (no --sign-key)` };
  const started = performance.now();
  const signed = await signRelease({
    images: toSign(model, published.filter((p) => p.name !== REPORT_NAME), images),
    report: verified.report,
    reportText: readFileSync(verified.reportFile, "utf8"),
    key,
    root: process.cwd(),
  });
  const signMs = Math.round(performance.now() - started);
  return { exitCode: EXIT_PASS, published, signed, signMs, reason: `published ${published.length} image(s), attested ${signed.length} (posture + SBOM) in ${signMs} ms` };
}

export async function run(opts: ReleaseOptions): Promise<number> {
  const r = await release(opts);
  for (const p of r.published) process.stdout.write(`${p.reference}\n`);
  for (const s of r.signed)
    process.stderr.write(`apex release: attested ${s.reference} (${s.services.join(", ")}): sbom ${s.sbomMs} ms, signing ${s.signMs} ms\n`);
  process.stderr.write(`apex release: ${r.reason}\n`);
  return r.exitCode;
}
