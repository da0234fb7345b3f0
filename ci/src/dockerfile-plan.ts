// Air-gapped builds: a Dockerfile read as a list of Container operations, to be applied on
// a base image the engine cannot pull (a Container imported from a tarball). Dagger's
// Directory.dockerBuild resolves FROM through a registry and takes no build contexts, so
// a BASE_IMAGE build arg cannot name a Container (dagger/dagger#8677); replaying the same
// Dockerfile keeps it the one definition of each image (DESIGN.md decision 1). Engine-free:
// the translation is tested without Dagger (ci/test/dockerfile-plan.test.ts).
// Only what our single-stage Dockerfiles use is supported; anything else is refused with
// the Dockerfile and line, never built differently.
import { Copy, DockerfileParser, Env, Healthcheck, JSONInstruction, Label, type Instruction } from "dockerfile-ast";

export type PlanOp =
  | { op: "exec"; argv: string[] }
  | { op: "env"; name: string; value: string }
  | { op: "copy"; src: string; dest: string; dir: boolean; owner?: string; permissions?: number }
  | { op: "user"; user: string }
  | { op: "workdir"; path: string }
  | { op: "expose"; port: number; protocol: "TCP" | "UDP" }
  | { op: "label"; name: string; value: string }
  | { op: "healthcheck"; argv: string[]; shell: boolean; interval?: string; timeout?: string; startPeriod?: string; retries?: number }
  | { op: "entrypoint"; argv: string[] }
  | { op: "cmd"; argv: string[] };

export class DockerfilePlanError extends Error {}

/** ${VAR} and $VAR from the build args and ENV seen so far (what Docker substitutes). */
const substitute = (s: string, vars: Record<string, string>) =>
  s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a, b) => vars[a ?? b] ?? m);

const flagsOf = (i: Instruction): Record<string, string | null> => {
  const f = (i as Instruction & { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> }).getFlags?.() ?? [];
  return Object.fromEntries(f.map((x) => [x.getName().toLowerCase(), x.getValue()]));
};
const jsonOf = (i: Instruction) => (i instanceof JSONInstruction ? i.getJSONStrings().map((j) => j.getJSONValue()) : []);
/** Exec form as given; shell form through /bin/sh -c, continuations joined as Docker joins them. */
const argvOf = (i: Instruction, text: string) => (jsonOf(i).length ? jsonOf(i) : ["/bin/sh", "-c", text]);

/**
 * The operations of `file` (its text), on a base standing for BASE_IMAGE. `where` names the
 * Dockerfile in errors ("services/api/Dockerfile").
 */
export function dockerfilePlan(text: string, where: string, buildArgs: Record<string, string> = {}): PlanOp[] {
  const ops: PlanOp[] = [];
  const vars: Record<string, string> = {};
  let from = false;
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    const kw = i.getKeyword().toUpperCase();
    const at = `${where}:${i.getRange().start.line + 1}`;
    const refuse = (why: string): never => {
      throw new DockerfilePlanError(`${at}: ${kw} ${why}: cannot replay it on an imported base image`);
    };
    const raw = (i.getRawArgumentsContent() ?? "").replace(/\\\r?\n/g, "");
    const flags = flagsOf(i);
    const args = i.getArguments().map((a) => substitute(a.getValue(), vars));
    switch (kw) {
      case "ARG": {
        if (from) refuse("after FROM is not supported");
        const [name, dflt] = raw.trim().split("=", 2) as [string, string | undefined];
        vars[name] = buildArgs[name] ?? dflt ?? "";
        break;
      }
      case "FROM":
        if (from) refuse("a second stage is not supported");
        if (raw.trim() !== "${BASE_IMAGE}") refuse("must start from ${BASE_IMAGE}");
        from = true;
        break;
      case "RUN":
        if (Object.keys(flags).length) refuse("with flags is not supported");
        ops.push({ op: "exec", argv: argvOf(i, raw.trim()) });
        break;
      case "ENV":
        for (const p of (i as Env).getProperties()) {
          const value = substitute(p.getValue() ?? "", vars);
          vars[p.getName()] = value;
          ops.push({ op: "env", name: p.getName(), value });
        }
        break;
      case "COPY": {
        if ((i as Copy).getFromFlag()) refuse("--from is not supported");
        const rest = Object.keys(flags).filter((f) => f !== "chown" && f !== "chmod");
        if (rest.length) refuse(`--${rest[0]} is not supported`);
        if (args.length !== 2 || /[*?[]/.test(args[0]!)) refuse("takes exactly one source without wildcards here");
        const [src, dest] = args as [string, string];
        ops.push({ op: "copy", src: src.replace(/\/+$/, "") || ".", dest, dir: src.endsWith("/"), ...(flags.chown ? { owner: flags.chown } : {}), ...(flags.chmod ? { permissions: parseInt(flags.chmod, 8) } : {}) });
        break;
      }
      case "USER":
        ops.push({ op: "user", user: args[0]! });
        break;
      case "WORKDIR":
        ops.push({ op: "workdir", path: args[0]! });
        break;
      case "EXPOSE":
        for (const a of args) {
          const [port, proto = "tcp"] = a.split("/");
          ops.push({ op: "expose", port: Number(port), protocol: proto.toUpperCase() === "UDP" ? "UDP" : "TCP" });
        }
        break;
      case "LABEL":
        for (const p of (i as Label).getProperties()) ops.push({ op: "label", name: p.getName(), value: substitute(p.getValue() ?? "", vars) });
        break;
      case "HEALTHCHECK": {
        const sub = (i as Healthcheck).getSubcommand()?.getValue().toUpperCase();
        if (sub !== "CMD") refuse("other than HEALTHCHECK CMD is not supported");
        const cmd = raw.slice(raw.search(/\bCMD\b/i) + 3).trim();
        const json = cmd.startsWith("[") ? (JSON.parse(cmd) as string[]) : undefined;
        ops.push({
          op: "healthcheck", argv: json ?? [cmd], shell: !json,
          ...(flags.interval ? { interval: flags.interval } : {}), ...(flags.timeout ? { timeout: flags.timeout } : {}),
          ...(flags["start-period"] ? { startPeriod: flags["start-period"] } : {}), ...(flags.retries ? { retries: Number(flags.retries) } : {}),
        });
        break;
      }
      case "ENTRYPOINT":
      case "CMD":
        if (!jsonOf(i).length) refuse("in shell form is not supported (use the exec form)");
        ops.push({ op: kw === "CMD" ? "cmd" : "entrypoint", argv: jsonOf(i) });
        break;
      // No Container API for these: the image's declaration is kept by what runs it —
      // compose's stop_signal (postgres) and the volume compose mounts there.
      case "STOPSIGNAL":
      case "VOLUME":
        break;
      default:
        refuse("is not supported");
    }
  }
  if (!from) throw new DockerfilePlanError(`${where}: no FROM \${BASE_IMAGE}`);
  return ops;
}
