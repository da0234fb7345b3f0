// A hand-built report (kube-score style): renderers are tested on this, never by running checks.
import type { Report } from "../../types.ts";

export const sampleReport: Report = {
  schemaVersion: 1,
  tool: { name: "apex", version: "0.1.0" },
  command: "verify",
  status: "fail",
  startedAt: "2026-11-23T12:00:00.000Z",
  finishedAt: "2026-11-23T12:00:42.500Z",
  project: "apex-verify-abc123",
  composeFiles: ["infra/compose.yaml"],
  git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
  toolVersions: { docker: "20.10.24", compose: "2.26.1", node: "20.20.2" },
  phases: [
    { name: "build", status: "pass", durationMs: 3200 },
    { name: "policy", status: "fail", durationMs: 800 },
    { name: "probe", status: "fail", durationMs: 1900 },
  ],
  matrix: [
    { service: "postgres", capabilities: "cap_drop: [ALL]", rationale: "No capability needed: runs as 999:999.", verifiedBy: ["runtime/cap-eff-zero"] },
    { service: "volume_prep", capabilities: "cap_drop: [ALL], cap_add: [CHOWN]", rationale: "Chowns the volumes once & exits <fast>.", verifiedBy: [] },
  ],
  summary: { pass: 2, fail: 2, skip: 1, waived: 1 },
  checks: [
    {
      id: "compose/tmpfs-owner", kind: "static", service: "api", status: "fail", title: "tmpfs owned by the service user",
      severity: "high", refs: ["seed Issue 1"], message: "tmpfs /tmp has no uid/gid", remediation: "Use /tmp:uid=1000,gid=1000,mode=1777",
      location: { file: "infra/compose.yaml", line: 42 },
      evidence: [{ property: "tmpfs /tmp", expected: "uid=1000,gid=1000", actual: "/tmp", location: { file: "infra/compose.yaml", line: 42 } }],
    },
    {
      id: "runtime/cap-eff-zero", kind: "runtime", service: "worker", status: "fail", title: "No effective capabilities",
      severity: "critical", refs: ["CIS 5.4"], message: "CapEff is 00000000a80425fb", remediation: "Add cap_drop: [ALL]",
      evidence: [{ property: "CapEff", expected: "0000000000000000", actual: "00000000a80425fb", command: ["docker", "exec", "w", "sh"], exitCode: 0, output: "CapEff:\t00000000a80425fb" }],
    },
    { id: "runtime/cap-eff-zero", kind: "runtime", service: "postgres", status: "pass", title: "No effective capabilities", severity: "critical", refs: ["CIS 5.4"], message: "CapEff 0", evidence: [] },
    { id: "workflow/backup-roundtrip", kind: "workflow", service: "postgres", status: "pass", title: "Backup round trip", severity: "high", refs: [], message: "checksums equal", evidence: [], durationMs: 5300 },
    { id: "stack/service-not-run", kind: "workflow", service: "pghero", status: "skip", title: "Service could not be run here", severity: "low", refs: [], message: "profile not enabled", evidence: [] },
    {
      id: "compose/anchor-merged", kind: "static", service: "volume_prep", status: "waived", title: "Service merges the security anchor", severity: "high", refs: ["CIS 5.4"],
      message: "volume_prep does not merge x-security-defaults", evidence: [],
      waiver: { reason: "Runs as root once to chown volumes", source: { file: "infra/exemptions.yaml", line: 3 } },
    },
  ],
};
