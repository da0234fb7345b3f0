// Release's signing step: once every image is pushed, the toolbox, bound to a fresh engine
// holding the same image tarballs (their dpkg databases and bundles make the SBOMs), runs
// `apex attest` on the references the pushes returned, in one exec. The key, its password
// and the registry password stay Secrets: mounted or in that exec's environment, never in
// argv or a layer. The toolbox has Debian's cosign (ci/images/toolbox).
import type { Directory, Secret } from "@dagger.io/dagger";
import { baseImageName, type BaseImage } from "./base.js";
import { attestArgv, REPORT_DIR, SIGN_KEY_PATH } from "./commands.js";
import { boundToEngine, dockerEngine } from "./engine.js";
import { DEFAULT_BASE_IMAGE, type ServiceImage } from "./images.js";
import type { RegistryTarget } from "./publish.js";
import { bundled } from "./toolbox.js";

export interface SigningKey {
  key: Secret;
  /** Absent for a key made without a password. */
  password?: Secret;
}

/** Signs a posture attestation per service and an SBOM for every pushed reference; returns what apex attest printed. */
export async function attestPushed(
  source: Directory,
  baseImage: BaseImage,
  images: ServiceImage[],
  report: Directory,
  refs: string[],
  target: RegistryTarget,
  signing: SigningKey,
  run: string,
): Promise<string> {
  const id = `${run}-attest`;
  const ws = await bundled(source, baseImage);
  let ctr = boundToEngine(ws, await dockerEngine(source, ws, baseImage, id), baseImageName(baseImage, DEFAULT_BASE_IMAGE), images, id)
    .withDirectory(REPORT_DIR, report)
    .withMountedSecret(SIGN_KEY_PATH, signing.key)
    .withEnvVariable("APEX_REGISTRY_USERNAME", target.username)
    .withSecretVariable("APEX_REGISTRY_PASSWORD", target.password);
  ctr = signing.password ? ctr.withSecretVariable("COSIGN_PASSWORD", signing.password) : ctr.withEnvVariable("COSIGN_PASSWORD", "");
  return ctr.withExec(attestArgv(refs)).stdout();
}
