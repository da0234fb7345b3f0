// Docker-in-Dagger: our engine image (ci/images/engine) as a service the verifier talks to
// over tcp. Its own entrypoint runs (useEntrypoint: it nests cgroups on v2, then starts
// dockerd). Every run gets a fresh engine: its /var/lib/docker and the stack's secrets are
// volumes named after the run, never shared with or left for another; the images are
// loaded in the same exec that verifies them. The engine and the toolbox see the same
// workspace at /src, because compose resolves bind mounts and file secrets on the client
// while the engine mounts them from its own filesystem.
import { dag, ReturnType, type Container, type Directory, type Service } from "@dagger.io/dagger";
import { ciImage } from "./ciImages.js";
import { buildImages, type ServiceImage } from "./images.js";
import { apexArgv, IMAGES_DIR, loadThenApex, REPORT_DIR, VERIFY_ARGS } from "./commands.js";
import { bundled, WORKDIR } from "./toolbox.js";

export const DOCKER_HOST = "tcp://docker:2375";

/** One run's engine state: a volume of its own (a module must be correct with an empty cache). */
const runVolume = (run: string, what: string) => dag.cacheVolume(`apex-${what}-${run}`);

export function dockerEngine(source: Directory, ws: Container, baseImage: string, run: string): Service {
  return ciImage(source, "engine", baseImage)
    .withEnvVariable("DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE", "1")
    .withMountedCache("/var/lib/docker", runVolume(run, "engine"))
    .withMountedDirectory(WORKDIR, ws.directory(WORKDIR))
    .withMountedCache(`${WORKDIR}/infra/secrets`, runVolume(run, "secrets"))
    .withExposedPort(2375)
    .asService({ useEntrypoint: true, insecureRootCapabilities: true });
}

/** The workspace bound to this run's engine, with every built image at /images/<service>.tar. */
export function boundToEngine(source: Directory, baseImage: string, images: ServiceImage[], run: string): Container {
  const ws = bundled(source, baseImage);
  let ctr = ws
    .withMountedCache(`${WORKDIR}/infra/secrets`, runVolume(run, "secrets"))
    .withServiceBinding("docker", dockerEngine(source, ws, baseImage, run))
    .withEnvVariable("DOCKER_HOST", DOCKER_HOST)
    .withEnvVariable("BASE_IMAGE", baseImage)
    // the run's id is an input of the exec: no earlier run's result is ever replayed
    .withEnvVariable("APEX_RUN", run);
  for (const { service, container } of images) ctr = ctr.withMountedFile(`${IMAGES_DIR}/${service}.tar`, container.asTarball());
  return ctr;
}

/** Runs `npx apex <args>` tolerating a failing exit: the report is wanted either way. */
export function runApex(ctr: Container, args: string[]): Container {
  return ctr.withExec(apexArgv(args), { expect: ReturnType.Any });
}

export interface Outcome {
  report: Directory;
  exitCode: number;
}

/** The report directory of a finished run, plus its exit code in `exit-code` (0 pass, 1 fail). */
export async function reportOf(ran: Container): Promise<Outcome> {
  const exitCode = await ran.exitCode();
  return { report: ran.directory(REPORT_DIR).withNewFile("exit-code", `${exitCode}\n`), exitCode };
}

/**
 * `apex verify --no-build` in the toolbox against a fresh engine, in ONE exec that loads the
 * images first (they are the bytes release publishes). `strict`: a failing verify is a
 * failing exec (gate, release); otherwise it is tolerated and its exit code reported, and
 * the run id keeps it from being cached as a success.
 */
export async function verification(source: Directory, baseImage: string, run: string, opts: { images?: ServiceImage[]; strict?: boolean } = {}): Promise<Outcome> {
  const ctr = boundToEngine(source, baseImage, opts.images ?? (await buildImages(source, baseImage)), run);
  const ran = ctr.withExec(loadThenApex(VERIFY_ARGS), { expect: opts.strict ? ReturnType.Success : ReturnType.Any });
  return reportOf(ran);
}
