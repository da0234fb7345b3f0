// The image every Dockerfile starts FROM: a name the engine pulls (the usual case, built
// with dockerBuild and the BASE_IMAGE build arg) or a Container, e.g. imported from a
// tarball on an air-gapped engine, on which the same Dockerfile is replayed operation by
// operation (./dockerfile-plan.ts says why and which operations).
import { NetworkProtocol, type Container, type Directory } from "@dagger.io/dagger";
import { dockerfilePlan, type PlanOp } from "./dockerfile-plan.js";

export type BaseImage = string | Container;

/** The name the stack's compose files get as BASE_IMAGE (a Container stands for the default's name). */
export const baseImageName = (base: BaseImage, fallback: string) => (typeof base === "string" ? base : fallback);

function apply(c: Container, context: Directory, o: PlanOp): Container {
  switch (o.op) {
    case "exec": return c.withExec(o.argv);
    case "env": return c.withEnvVariable(o.name, o.value, { expand: true });
    case "copy": {
      const opts = { ...(o.owner ? { owner: o.owner } : {}), ...(o.permissions !== undefined ? { permissions: o.permissions } : {}) };
      return o.dir ? c.withDirectory(o.dest, context.directory(o.src), opts) : c.withFile(o.dest, context.file(o.src), opts);
    }
    case "user": return c.withUser(o.user);
    case "workdir": return c.withWorkdir(o.path);
    case "expose": return c.withExposedPort(o.port, { protocol: o.protocol === "UDP" ? NetworkProtocol.Udp : NetworkProtocol.Tcp });
    case "label": return c.withLabel(o.name, o.value);
    case "healthcheck": {
      const { argv, op: _, ...opts } = o;
      return c.withDockerHealthcheck(argv, opts);
    }
    case "entrypoint": return c.withEntrypoint(o.argv);
    case "cmd": return c.withDefaultArgs(o.argv);
  }
}

/** `context`'s Dockerfile built on `base`: dockerBuild for a name, replayed for a Container. */
export async function buildOn(context: Directory, base: BaseImage, where: string): Promise<Container> {
  if (typeof base === "string") return context.dockerBuild({ dockerfile: "Dockerfile", buildArgs: [{ name: "BASE_IMAGE", value: base }] });
  const plan = dockerfilePlan(await context.file("Dockerfile").contents(), where);
  return plan.reduce((c, o) => apply(c, context, o), base);
}
