// One image's SBOM as CycloneDX 1.6 JSON, built and serialised with the CycloneDX library:
// the image itself is the BOM's subject (metadata.component, versioned by its registry
// digest), its Debian packages and the npm packages bundled into it are the components.
// purls come from packageurl-js: pkg:deb/debian/NAME@VERSION?arch=ARCH, pkg:npm/NAME@VERSION.
import { Enums, Models, Serialize, Spec } from "@cyclonedx/cyclonedx-library";
import { PackageURL } from "packageurl-js";
import type { DebPackage } from "./dpkg.ts";
import type { NpmPackage } from "./bundle-packages.ts";

export interface SbomInput {
  /** Repository the image was pushed to, e.g. 127.0.0.1:5000/apex/api. */
  repository: string;
  /** sha256:... manifest digest, from the push. */
  digest: string;
  debs: DebPackage[];
  npm: NpmPackage[];
  toolVersion: string;
  /** When the BOM was made (the caller's clock: tests pass a fixed one). */
  timestamp: Date;
}

export const debPurl = (p: DebPackage) =>
  new PackageURL("deb", "debian", p.name, p.version, { arch: p.arch, ...(p.source ? { upstream: p.source } : {}) }, undefined).toString();

export function npmPurl(p: NpmPackage): string {
  const at = p.name.startsWith("@") ? p.name.indexOf("/") : -1;
  const [ns, name] = at > 0 ? [p.name.slice(0, at), p.name.slice(at + 1)] : [undefined, p.name];
  return new PackageURL("npm", ns, name, p.version, undefined, undefined).toString();
}

export function buildSbom(i: SbomInput): string {
  const image = new Models.Component(Enums.ComponentType.Container, i.repository, {
    version: i.digest,
    bomRef: `${i.repository}@${i.digest}`,
  });
  const tool = new Models.Component(Enums.ComponentType.Application, "apex", { version: i.toolVersion });
  const bom = new Models.Bom({
    metadata: new Models.Metadata({ timestamp: i.timestamp, component: image, tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }) }),
  });
  // The serial number ties the BOM to its image: the same digest always gets the same one.
  bom.serialNumber = `urn:uuid:${uuidFromDigest(i.digest)}`;
  const seen = new Set<string>();
  const add = (purl: string, name: string, version: string, group?: string) => {
    if (seen.has(purl)) return;
    seen.add(purl);
    bom.components.add(new Models.Component(Enums.ComponentType.Library, name, { version, purl, bomRef: purl, ...(group ? { group } : {}) }));
  };
  for (const d of i.debs) add(debPurl(d), d.name, d.version);
  for (const n of i.npm) {
    const at = n.name.startsWith("@") ? n.name.indexOf("/") : -1;
    add(npmPurl(n), at > 0 ? n.name.slice(at + 1) : n.name, n.version, at > 0 ? n.name.slice(0, at) : undefined);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return serializer.serialize(bom, { sortLists: true, space: 2 });
}

/** A version-4-shaped UUID from the digest's first 32 hex digits. */
function uuidFromDigest(digest: string): string {
  const h = digest.replace(/^sha256:/, "").padEnd(32, "0").slice(0, 32).split("");
  h[12] = "4";
  h[16] = "89ab"[parseInt(h[16], 16) % 4];
  const s = h.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
