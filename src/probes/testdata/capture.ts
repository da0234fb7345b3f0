// Regenerates the canned facts under testdata/cases/ from the fixture project
// (broken/compose.yaml, brought up by hand): `npx tsx src/probes/testdata/capture.ts <project>`.
// For each service: the raw gather output, docker inspect, and the resolved compose service.
import { mkdirSync, writeFileSync } from "node:fs";
import { collect, execArgs, sidecarArgs } from "../collect.ts";
import { loadResolvedCompose } from "../../sources/compose.ts";
import { docker } from "../../docker.ts";

const project = process.argv[2] ?? "h4fx";
const target = { files: [new URL("./broken/compose.yaml", import.meta.url).pathname], projectName: project };
const model = await loadResolvedCompose(target);
const c = await collect(target);
for (const f of c.facts) {
  const dir = new URL(`./cases/${f.service}/`, import.meta.url);
  mkdirSync(dir, { recursive: true });
  const g = f.gathered!;
  // Re-run the gather to keep its raw stdout (collect keeps only parsed facts).
  const raw = (await docker(g.mode === "exec" ? execArgs(f.inspect, "fixture", f.inspect.mountPaths) : sidecarArgs(f.inspect, "fixture", f.inspect.mountPaths))).stdout;
  writeFileSync(new URL("gather.txt", dir), raw);
  writeFileSync(new URL("meta.json", dir), JSON.stringify({ mode: g.mode, command: g.command.map((a) => a.replace(/^[0-9a-f]{12}$/, "<nonce>").replace(/apex-probe-[0-9a-f]{12}/, "apex-probe-<nonce>")), exitCode: g.exitCode }, null, 1) + "\n");
  const ins = JSON.parse((await docker(["inspect", f.inspect.id])).stdout)[0];
  writeFileSync(new URL("inspect.json", dir), JSON.stringify({ Id: ins.Id, Name: ins.Name, Config: { User: ins.Config.User, Image: ins.Config.Image }, HostConfig: { CapAdd: ins.HostConfig.CapAdd, CapDrop: ins.HostConfig.CapDrop, ReadonlyRootfs: ins.HostConfig.ReadonlyRootfs, SecurityOpt: ins.HostConfig.SecurityOpt, Privileged: ins.HostConfig.Privileged, Memory: ins.HostConfig.Memory, PidsLimit: ins.HostConfig.PidsLimit }, State: { Status: ins.State.Status, Health: ins.State.Health ? { Status: ins.State.Health.Status } : undefined } }, null, 1) + "\n");
  writeFileSync(new URL("service.json", dir), JSON.stringify(model.services[f.service], null, 1) + "\n");
}
console.log(`captured ${c.facts.length} case(s)`);
