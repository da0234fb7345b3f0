// The one list of static rules (hadolint/kube-score style: explicit registration).
// Order here is the order of the SARIF rules table; ids are permanent (see types.ts).
import type { Rule } from "../model.ts";
import { composeAnchorListReplaced } from "./compose-anchor-list-replaced.ts";
import { composeAnchorMerged } from "./compose-anchor-merged.ts";
import { composeBuildStaysInRepo } from "./compose-build-stays-in-repo.ts";
import { composeFilesStayInRepo } from "./compose-files-stay-in-repo.ts";
import { composeNetworkTiers } from "./compose-network-tiers.ts";
import { composeNoDevices } from "./compose-no-devices.ts";
import { composeNoSecretsInEnv } from "./compose-no-secrets-in-env.ts";
import { composeCapAddJustified } from "./compose-cap-add-justified.ts";
import { composeCapDropAll } from "./compose-cap-drop-all.ts";
import { composeCpuLimit } from "./compose-cpu-limit.ts";
import { composeHealthcheck } from "./compose-healthcheck.ts";
import { composeMemoryLimit } from "./compose-memory-limit.ts";
import { composeNoDockerSocket } from "./compose-no-docker-socket.ts";
import { composeNoHostNamespaces } from "./compose-no-host-namespaces.ts";
import { composeNoNewPrivileges } from "./compose-no-new-privileges.ts";
import { composeNoPrivilegedPorts } from "./compose-no-privileged-ports.ts";
import { composeNoPrivileged } from "./compose-no-privileged.ts";
import { composeNoSensitiveHostPaths } from "./compose-no-sensitive-host-paths.ts";
import { composePidsLimit } from "./compose-pids-limit.ts";
import { composePortsBoundToInterface } from "./compose-ports-bound-to-interface.ts";
import { composeReadOnlyRootfs } from "./compose-read-only-rootfs.ts";
import { composeRestartPolicy } from "./compose-restart-policy.ts";
import { composeSeccompConfined } from "./compose-seccomp-confined.ts";
import { composeTmpfsOptions } from "./compose-tmpfs-options.ts";
import { composeTmpfsOwner } from "./compose-tmpfs-owner.ts";
import { composeUserMatchesImage } from "./compose-user-matches-image.ts";
import { dockerfileCopyChown } from "./dockerfile-copy-chown.ts";
import { dockerfileCopyNotAdd } from "./dockerfile-copy-not-add.ts";
import { dockerfileNoSecretsInEnv } from "./dockerfile-no-secrets-in-env.ts";
import { dockerfileNoSetuid } from "./dockerfile-no-setuid.ts";
import { dockerfileNoSudo } from "./dockerfile-no-sudo.ts";
import { dockerfileUserCreated } from "./dockerfile-user-created.ts";
import { dockerfileUserNonRoot } from "./dockerfile-user-non-root.ts";
import { dockerfileUserNumeric } from "./dockerfile-user-numeric.ts";
import { dockerfileUseraddNoLogInit } from "./dockerfile-useradd-no-log-init.ts";
import { dockerfileWorkdirAbsolute } from "./dockerfile-workdir-absolute.ts";
import { dockerfileWorkdirOwned } from "./dockerfile-workdir-owned.ts";
// issue 16 (CIS 5.7, 4.7)
import { dockerfileAptUpdateWithInstall } from "./dockerfile-apt-update-with-install.ts";
import { dockerfileNoOpensshServer } from "./dockerfile-no-openssh-server.ts";
import { imageConfigMatchesDockerfile } from "./image-config-matches-dockerfile.ts";
// CIS 5.x container items (issue 16)
import { composeApparmorConfined } from "./compose-apparmor-confined.ts";
import { composeCoreDumpsOff } from "./compose-core-dumps-off.ts";
import { composeNoCgroupParent } from "./compose-no-cgroup-parent.ts";
import { composeNoHostUserns } from "./compose-no-host-userns.ts";
import { composeNoSharedPropagation } from "./compose-no-shared-propagation.ts";
import { composeNotDefaultBridge } from "./compose-not-default-bridge.ts";
import { composePortsAccepted } from "./compose-ports-accepted.ts";
import { composeSelinuxLabelsKept } from "./compose-selinux-labels-kept.ts";
import { imageUserNonRoot } from "./image-user-non-root.ts";

export const rules: readonly Rule[] = [
  composeAnchorListReplaced,
  composeAnchorMerged,
  composeBuildStaysInRepo,
  composeCapAddJustified,
  composeCapDropAll,
  composeCpuLimit,
  composeHealthcheck,
  composeMemoryLimit,
  composeNetworkTiers,
  composeFilesStayInRepo,
  composeNoDevices,
  composeNoDockerSocket,
  composeNoHostNamespaces,
  composeNoNewPrivileges,
  composeNoPrivilegedPorts,
  composeNoPrivileged,
  composeNoSecretsInEnv,
  composeNoSensitiveHostPaths,
  composePidsLimit,
  composePortsBoundToInterface,
  composeReadOnlyRootfs,
  composeRestartPolicy,
  composeSeccompConfined,
  composeTmpfsOptions,
  composeTmpfsOwner,
  composeUserMatchesImage,
  dockerfileCopyChown,
  dockerfileCopyNotAdd,
  dockerfileNoSecretsInEnv,
  dockerfileNoSetuid,
  dockerfileNoSudo,
  dockerfileUserCreated,
  dockerfileUserNonRoot,
  dockerfileUserNumeric,
  dockerfileUseraddNoLogInit,
  dockerfileWorkdirAbsolute,
  dockerfileWorkdirOwned,
  // issue 16 (CIS 5.7, 4.7)
  dockerfileNoOpensshServer,
  dockerfileAptUpdateWithInstall,
  imageConfigMatchesDockerfile,
  // CIS 5.x container items (issue 16)
  composeApparmorConfined,
  composeSelinuxLabelsKept,
  composePortsAccepted,
  composeCoreDumpsOff,
  composeNoSharedPropagation,
  composeNoCgroupParent,
  composeNotDefaultBridge,
  composeNoHostUserns,
  imageUserNonRoot,
];

export const ruleById = new Map(rules.map((r) => [r.id, r]));

/** The rules verify runs before it builds or starts anything: what they catch would take
 *  effect on the host the moment compose applied it. */
export const HOST_GUARD_RULES: readonly string[] = [
  "compose/no-privileged",
  "compose/no-host-namespaces",
  "compose/no-sensitive-host-paths",
  "compose/no-docker-socket",
  "compose/no-devices",
  "compose/build-stays-in-repo",
  "compose/files-stay-in-repo",
  // CIS 5.x (issue 16): each changes the host's hold on the container the moment it starts:
  // AppArmor and SELinux off leave it outside the host's MAC policy, a shared bind mount
  // carries mounts made inside it into the host's mount table, the host user namespace makes
  // its root the host's root under userns-remap, and cgroup_parent places its cgroup where
  // the file chooses in the host's tree (outside the limits set on Docker's). The ports, the
  // default bridge and core dumps rules stay out: they concern the container, not the host,
  // and run with the other rules.
  "compose/apparmor-confined",
  "compose/selinux-labels-kept",
  "compose/no-shared-propagation",
  "compose/no-host-userns",
  "compose/no-cgroup-parent",
];
