// Docker-in-Dagger: our engine image (ci/images/engine) as a service the verifier talks to
// over tcp. Its own entrypoint runs (useEntrypoint: it nests cgroups on v2, then starts
// dockerd). Every run gets a fresh engine: its /var/lib/docker and the stack's secrets are
// volumes named after the run, never shared with or left for another; the images are
// loaded in the same exec that verifies them. The engine and the toolbox see the same
// workspace at /src, because compose resolves bind mounts and file secrets on the client
// while the engine mounts them from its own filesystem.
import { dag, ReturnType, type Container, type Directory, type Service } from "@dagger.io/dagger";
import { ciImage } from "./ciImages.js";
import { baseImageName, type BaseImage } from "./base.js";
import { buildImages, DEFAULT_BASE_IMAGE, type ServiceImage } from "./images.js";
import { apexArgv, IMAGES_DIR, loadThen, REPORT_DIR } from "./commands.js";
import { runSteps, verifyArgv, type VerifyStep } from "./steps.js";
import { bundle, workspace, WORKDIR } from "./toolbox.js";

export const DOCKER_HOST = "tcp://docker:2375";

/** One run's engine state: a volume of its own (a module must be correct with an empty cache). */
const runVolume = (run: string, what: string) => dag.cacheVolume(`apex-${what}-${run}`);

export async function dockerEngine(source: Directory, ws: Container, baseImage: BaseImage, run: string): Promise<Service> {
  return (await ciImage(source, "engine", baseImage))
    .withEnvVariable("DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE", "1")
    .withMountedCache("/var/lib/docker", runVolume(run, "engine"))
    .withMountedDirectory(WORKDIR, ws.directory(WORKDIR))
    .withMountedCache(`${WORKDIR}/infra/secrets`, runVolume(run, "secrets"))
    .withExposedPort(2375)
    .asService({ useEntrypoint: true, insecureRootCapabilities: true });
}

/** The bundled workspace bound to this run's engine, with every built image at /images/<service>.tar. */
export function boundToEngine(ws: Container, engine: Service, baseImageName: string, images: ServiceImage[], run: string): Container {
  let ctr = ws
    .withMountedCache(`${WORKDIR}/infra/secrets`, runVolume(run, "secrets"))
    .withServiceBinding("docker", engine)
    .withEnvVariable("DOCKER_HOST", DOCKER_HOST)
    .withEnvVariable("APEX_ENGINE_TOPOLOGY", ENGINE_VARIABLES.APEX_ENGINE_TOPOLOGY)
    .withEnvVariable("APEX_ENGINE_PRIVILEGES", ENGINE_VARIABLES.APEX_ENGINE_PRIVILEGES)
    .withEnvVariable("BASE_IMAGE", baseImageName)
    // the run's id is an input of the exec: no earlier run's result is ever replayed
    .withEnvVariable("APEX_RUN", run);
  for (const { service, container } of images) ctr = ctr.withMountedFile(`${IMAGES_DIR}/${service}.tar`, container.asTarball());
  return ctr;
}

/** Runs `apex <args>` tolerating a failing exit: the report is wanted either way. */
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

/** What the inner verify records as its engine (src/report/environment.ts reads these):
 *  insecureRootCapabilities is what --privileged gives a container. */
export const ENGINE_VARIABLES = { APEX_ENGINE_TOPOLOGY: "dagger", APEX_ENGINE_PRIVILEGES: "privileged" };

/**
 * `apex verify --no-build` in the toolbox against a fresh engine, step by step as
 * ./steps.ts lists them (the hermetic runner runs the same list). Dagger is lazy: each step
 * adds to the pipeline, and the load and the verify are ONE exec (the loaded images are
 * the bytes release publishes; no exec depends on engine state another left). `strict`: a
 * failing verify is a failing exec (gate, release); otherwise it is tolerated and its exit
 * code reported, and the run id keeps it from being cached as a success.
 */
export async function verification(source: Directory, baseImage: BaseImage, run: string, opts: { images?: ServiceImage[]; strict?: boolean; onStep?: (s: VerifyStep) => void } = {}): Promise<Outcome> {
  let ws: Container | undefined;
  let images: ServiceImage[] = [];
  let engine: Service | undefined;
  let bound: Container | undefined;
  let ran: Container | undefined;
  let outcome: Outcome | undefined;
  await runSteps({
    // the toolbox (and so the engine) from ci/images; the engine's image joins in "engine"
    "ci-images": async () => void (ws = await workspace(source, baseImage)),
    bundle: () => void (ws = bundle(ws!)),
    "service-images": async () => void (images = opts.images ?? (await buildImages(source, baseImage))),
    engine: async () => void (engine = await dockerEngine(source, ws!, baseImage, run)),
    "load-images": () => void (bound = boundToEngine(ws!, engine!, baseImageName(baseImage, DEFAULT_BASE_IMAGE), images, run)),
    verify: () => void (ran = bound!.withExec(loadThen(verifyArgv({}, REPORT_DIR)), { expect: opts.strict ? ReturnType.Success : ReturnType.Any })),
    report: async () => void (outcome = await reportOf(ran!)),
  }, opts.onStep);
  return outcome!;
}
