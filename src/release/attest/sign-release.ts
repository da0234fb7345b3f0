// Signs what release published: for every image, one posture attestation per compose service
// that runs it, and its SBOM (cosign attest --type cyclonedx). Called only after the gate
// opened (verify passed); the digests are the ones the push returned. Timings are kept per
// image so the cost of attesting can be reported.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Report } from "../../types.ts";
import { attest, CYCLONEDX_TYPE, type SigningKey } from "./cosign.ts";
import { imageSbom } from "./image-sbom.ts";
import { POSTURE_PREDICATE_TYPE, posturePredicate, predicateErrors } from "./predicate.ts";

export interface ToSign {
  name: string;
  image: string; // local reference
  reference: string; // repo@sha256:... from the push
  services: string[];
  context?: string;
}

export interface Signed {
  reference: string;
  services: string[];
  sbomMs: number;
  signMs: number;
}

export interface SignInput {
  images: ToSign[];
  report: Report;
  reportText: string;
  key: SigningKey;
  root: string;
}

export async function signRelease(i: SignInput): Promise<Signed[]> {
  const dir = mkdtempSync(join(tmpdir(), "apex-attest-"));
  const out: Signed[] = [];
  try {
    for (const img of i.images) {
      const at = img.reference.lastIndexOf("@");
      const repository = img.reference.slice(0, at);
      const digest = img.reference.slice(at + 1);
      let t = performance.now();
      const sbom = await imageSbom({ image: img.image, repository, digest, context: img.context, root: i.root, toolVersion: i.report.tool.version });
      const sbomMs = performance.now() - t;
      t = performance.now();
      for (const service of img.services) {
        const p = posturePredicate({ report: i.report, reportText: i.reportText, service, repository, digest });
        const bad = predicateErrors(p);
        if (bad) throw new Error(`posture predicate for ${service}: ${bad}`);
        const file = join(dir, `${img.name}-${service}.posture.json`);
        writeFileSync(file, JSON.stringify(p));
        await attest(img.reference, POSTURE_PREDICATE_TYPE, file, i.key);
      }
      const sbomFile = join(dir, `${img.name}.cdx.json`);
      writeFileSync(sbomFile, sbom);
      await attest(img.reference, CYCLONEDX_TYPE, sbomFile, i.key);
      out.push({ reference: img.reference, services: img.services, sbomMs: Math.round(sbomMs), signMs: Math.round(performance.now() - t) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
