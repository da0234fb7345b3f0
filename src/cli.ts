// `npx apex <command>`: argument parsing and exit codes only. Each command lives in
// commands/<name>.ts and returns its exit code; nothing here knows what a check is.
import { Command, CommanderError } from "commander";
import { selection, type Selection } from "./catalogue.ts";
import { UsageError, EXIT_USAGE } from "./errors.ts";
import { chosenExemptionsFile } from "./exemptions.ts";
import { checkOut } from "./report/index.ts";

export const FORMATS = ["json", "md", "junit", "sarif", "html"] as const;
export type Format = (typeof FORMATS)[number];

export interface CommonOptions {
  /** --only / --skip, resolved against the catalogue (aliases included). */
  selection?: Selection;
  compose: string[];
  profile: string[];
  format: Format[];
  out: string;
  projectName?: string;
  /** --quiet: no progress, no detail lines; errors and the final one-line result only. */
  quiet?: boolean;
  /** false for --no-color; otherwise colour follows the terminal and NO_COLOR. */
  color?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];
const formats = (v: string, prev: Format[] = []) => {
  const list = v.split(",").map((s) => s.trim()) as Format[];
  for (const f of list)
    if (!FORMATS.includes(f)) throw new UsageError(`unknown --format "${f}" (choose from ${FORMATS.join(", ")})`);
  return [...prev, ...list];
};

function withCommon(cmd: Command, defaultFormats: Format[]): Command {
  return cmd
    .option("-f, --compose <file>", "compose file (repeatable, merged in order as compose does)", collect)
    .option("--profile <name>", "compose profile to enable (repeatable)", collect)
    .option("--format <list>", `report formats, comma-separated: ${FORMATS.join("|")}`, formats)
    .option("-o, --out <dir>", "directory the report files are written to; `-` writes the one --format to stdout", "report")
    .option("-p, --project-name <name>", "compose project name")
    .option("-q, --quiet", "no progress and no detail lines: errors and the final one-line result only")
    .option("--no-color", "no colour (also off when the output is not a terminal, or NO_COLOR is set)")
    .option("--skip <id>", "leave this check out (repeatable, or comma-separated; ids as in `apex checks`)", collect)
    .option("--only <id>", "run only these checks (repeatable, or comma-separated)", collect)
    .hook("preAction", (c) => {
      const o = c.opts();
      o.selection = selection(o.only, o.skip);
      o.compose = o.compose?.length ? o.compose : ["infra/compose.yaml"];
      o.exemptions = chosenExemptionsFile(o.exemptions, o.compose);
      o.profile = o.profile ?? [];
      o.format = o.format?.length ? o.format : defaultFormats;
      checkOut(o.out, o.format);
    });
}

async function runCommand(name: string, opts: unknown): Promise<never> {
  const mod = await import(`./commands/${name}.ts`);
  const code: number = await mod.run(opts);
  process.exit(code);
}

const program = new Command("apex")
  .description("apex proves the security posture of the hardened data stack")
  .version(process.env.npm_package_version ?? "0.1.0")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

withCommon(
  program.command("policy").description("static checks of compose files, Dockerfiles and image config (no running stack needed)"),
  ["json", "md"],
)
  .option("--exemptions <file>", "exemptions file (default: exemptions.yaml beside the first compose file, if there is one)")
  .option("--no-images", "do not read local image config even when images exist")
  .action((o) => runCommand("policy", o));

withCommon(
  program.command("probe").description("runtime probes inside every running container of a compose project, and the database posture of its cluster"),
  ["json", "md"],
)
  .option("--exemptions <file>", "exemptions file (default: exemptions.yaml beside the first compose file, if there is one)")
  .action((o) => runCommand("probe", o));

withCommon(
  program.command("verify").description("the whole pipeline: setup checks, build, up, policy, probes, workflows, teardown, report"),
  ["json", "md", "junit", "sarif", "html"],
)
  .option("--exemptions <file>", "exemptions file (default: exemptions.yaml beside the first compose file, if there is one)")
  .option("--keep", "leave the stack running after the run (default: always tear down)")
  .option("--skip-workflows", "run policy and probes only")
  .option("--no-build", "verify the images already on the Docker host instead of building them (e.g. images loaded by the Dagger module)")
  .option("--hermetic", "run as the Dagger pipeline does: a fresh engine container (ci/images/engine) and the toolbox (ci/images/toolbox) on a private network, images loaded in, everything removed afterwards")
  .option("--engine-storage <kind>", "with --hermetic: the engine's /var/lib/docker on a tmpfs or a fresh volume (default: tmpfs where the machine has 8 GiB of memory, else volume)")
  .action((o) => runCommand("verify", o));

program
  .command("checks")
  .description("list every check apex makes (static rules, runtime probes, workflow and stack checks)")
  .option("--kind <kind>", "only checks of this kind: static|runtime|database|workflow")
  .option("--format <format>", "text (default) or json")
  .action(async (o) => process.exit(await (await import("./commands/checks.ts")).runChecks(o)));

program
  .command("explain")
  .description("one check's documentation, references and fix, and where its code and tests are")
  .argument("<id>", "a check id from a report (or a former id)")
  .action(async (id: string) => process.exit(await (await import("./commands/checks.ts")).runExplain(id)));

program
  .command("report")
  .description("render a saved JSON report into other formats")
  .requiredOption("--from <file>", "a report.json written by policy, probe or verify")
  .option("--format <list>", `formats: ${FORMATS.join("|")}`, formats)
  .option("-o, --out <dir>", "output directory; `-` writes the one --format to stdout", "report")
  .option("-q, --quiet", "print nothing but errors")
  .option("--no-color", "accepted for symmetry with the other commands: `report` prints no colour")
  .action((o) => runCommand("report", o));

program
  .command("release")
  .description("verify, then publish every image and the report to a registry (nothing is pushed if verify fails)")
  .requiredOption("--registry <host[/path]>", "registry to push to, e.g. registry.example.com/apex")
  .requiredOption("--tag <tag>", "tag for every image")
  .option("-f, --compose <file>", "compose file (repeatable)", collect)
  .option("--profile <name>", "compose profile to enable (repeatable)", collect)
  .option("--exemptions <file>", "exemptions file (default: exemptions.yaml beside the first compose file, if there is one)")
  .option("-o, --out <dir>", "report directory", "report")
  .option("--skip-verify-from <report.json>", "use a passing saved report instead of running verify")
  .option("--sign-key <cosign.key>", "sign a posture attestation and a CycloneDX SBOM for every image (password in COSIGN_PASSWORD; no transparency log)")
  .hook("preAction", (c) => {
    const o = c.opts();
    o.compose = o.compose?.length ? o.compose : ["infra/compose.yaml"];
    o.exemptions = chosenExemptionsFile(o.exemptions, o.compose);
    checkOut(o.out, [...FORMATS]); // a release keeps every rendering in its directory
  })
  .action((o) => runCommand("release", o));

program
  .command("attest")
  .description("sign a posture attestation and a CycloneDX SBOM for images already pushed (the signing half of release)")
  .argument("<reference...>", "each pushed image as REGISTRY/NAME[:TAG]@sha256:<digest>, as the push returned it")
  .requiredOption("--from <report.json>", "the passing report of the verify that saw these images")
  .requiredOption("--sign-key <cosign.key>", "cosign private key (password in COSIGN_PASSWORD; registry login in APEX_REGISTRY_USERNAME/APEX_REGISTRY_PASSWORD, else your docker config)")
  .option("-f, --compose <file>", "compose file (repeatable)", collect)
  .option("--profile <name>", "compose profile to enable (repeatable)", collect)
  .action((references: string[], o) => runCommand("attest", { ...o, references }));

program
  .command("admit")
  .description("may this image run? verifies its signed posture attestation (exit 0 admit, 1 refuse with the reasons)")
  .argument("<image@digest>", "the image by digest, e.g. registry.example.com/apex/api@sha256:...")
  .requiredOption("--key <cosign.pub>", "public key the release signed with")
  .option("--max-age <age>", "refuse attestations of a verify older than this: <n>s|m|h|d, e.g. 7d")
  .option("--service <name>", "the compose service the image runs as (default: every attested service must pass)")
  .option("--format <format>", "text (default) or json")
  .action((image: string, o) => runCommand("admit", { ...o, image }));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  if (err instanceof UsageError) {
    process.stderr.write(`apex: ${err.oneLine()}\n`);
    process.exit(EXIT_USAGE);
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`apex: error: ${msg.split("\n")[0]}\n`);
  if (process.env.APEX_DEBUG) console.error(err);
  process.exit(EXIT_USAGE);
}
