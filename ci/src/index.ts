// The apex Dagger module: a thin layer over the verifier (DESIGN.md decision 7). It mounts
// the sources, runs `npx apex ...` in the toolbox, and returns files; every decision about
// what passes lives in the verifier, which is tested without Dagger.
import { randomUUID } from "node:crypto";
import { argument, check, dag, func, object, type Container, type Directory, type File, type Secret } from "@dagger.io/dagger";
import type { BaseImage } from "./base.js";
import { POLICY_ARGS } from "./commands.js";
import { reportOf, runApex, verification } from "./engine.js";
import { buildImages, DEFAULT_BASE_IMAGE } from "./images.js";
import { attestPushed } from "./attest.js";
import { publishImages, publishReport } from "./publish.js";
import { workspace } from "./toolbox.js";

/** The base image: the tarball's image when one is given (an air-gapped engine pulls
 *  nothing), else the name, pulled. */
const base = (baseImage: string, tarball?: File): BaseImage => (tarball ? dag.container().import_(tarball) : baseImage);

// The source is the module's constructor argument, given once for every function
// (`dagger call --source DIR verify`); the SDK's introspection reads decorator arguments
// literally, so its options are written out here, once.
@object()
export class Apex {
  source: Directory;

  constructor(
    /** The apex repository (default: this checkout with its .git, without installs, outputs and secrets) */
    @argument({ defaultPath: "/", ignore: ["node_modules", "**/node_modules", "report", "infra/secrets", "services/*/dist"] })
    source: Directory,
  ) {
    this.source = source;
  }

  /** Build every service image from its Dockerfile (api/worker bundles made first) */
  @func()
  async build(
    /** Image every Dockerfile starts FROM (build arg BASE_IMAGE) */
    baseImage: string = DEFAULT_BASE_IMAGE,
    /** BASE_IMAGE as a docker save / OCI tarball, for an engine that cannot pull (replaces baseImage) */
    baseImageTarball?: File,
  ): Promise<Container[]> {
    return (await buildImages(this.source, base(baseImage, baseImageTarball))).map((i) => i.container);
  }

  /** Run the static posture checks and return the report files (exit code in exit-code) */
  @func()
  async policy(
  ): Promise<Directory> {
    const ran = runApex(await workspace(this.source, DEFAULT_BASE_IMAGE), POLICY_ARGS);
    return (await reportOf(ran)).report;
  }

  /** Verify the whole stack in Docker-in-Dagger and return the report, also when it fails (see exit-code) */
  @func({ cache: "never" })
  async verify(
    /** Image every Dockerfile starts FROM (build arg BASE_IMAGE) */
    baseImage: string = DEFAULT_BASE_IMAGE,
    /** BASE_IMAGE as a docker save / OCI tarball, for an engine that cannot pull (replaces baseImage) */
    baseImageTarball?: File,
  ): Promise<Directory> {
    return (await verification(this.source, base(baseImage, baseImageTarball), randomUUID())).report;
  }

  /** Fail unless verify passes: a fresh run whose failing verify is a failing exec */
  @func({ cache: "never" })
  @check()
  async gate(
    /** Image every Dockerfile starts FROM (build arg BASE_IMAGE) */
    baseImage: string = DEFAULT_BASE_IMAGE,
    /** BASE_IMAGE as a docker save / OCI tarball, for an engine that cannot pull (replaces baseImage) */
    baseImageTarball?: File,
  ): Promise<void> {
    const { exitCode } = await verification(this.source, base(baseImage, baseImageTarball), randomUUID(), { strict: true });
    if (exitCode !== 0) throw new Error(`apex verify failed (exit ${exitCode}); get the report with: dagger call verify export --path report`);
  }

  /** Verify, publish every image (signed with signKey), then the report; returns references with digests */
  @func({ cache: "never" })
  async release(
    /** Registry and path to push to, e.g. ghcr.io/acme/apex */
    registry: string,
    /** Tag for every image and the report */
    tag: string,
    /** Registry user name */
    username: string,
    /** Registry password or token */
    password: Secret,
    /** Image every Dockerfile starts FROM (build arg BASE_IMAGE) */
    baseImage: string = DEFAULT_BASE_IMAGE,
    /** BASE_IMAGE as a docker save / OCI tarball, for an engine that cannot pull (replaces baseImage) */
    baseImageTarball?: File,
    /** cosign private key: sign a posture attestation and a CycloneDX SBOM for every pushed digest (no transparency log) */
    signKey?: Secret,
    /** The cosign key's password (omit for a key made without one) */
    signKeyPassword?: Secret,
  ): Promise<string[]> {
    const run = randomUUID();
    const from = base(baseImage, baseImageTarball);
    const images = await buildImages(this.source, from);
    const { report, exitCode } = await verification(this.source, from, run, { images, strict: true });
    if (exitCode !== 0) throw new Error(`apex verify failed (exit ${exitCode}): nothing was published`);
    const target = { registry, tag, username, password };
    const refs = await publishImages(images, target);
    if (signKey) await attestPushed(this.source, from, images, report, refs, target, { key: signKey, password: signKeyPassword }, run);
    return [...refs, await publishReport(report, target)];
  }
}
