// The database-posture checks, in report order. Per-role checks run once per service that
// logs in to the database; cluster checks once, on the database service.
import { cannotEscalate } from "./cannot-escalate.ts";
import { hbaSuperuserLocal } from "./hba-superuser.ts";
import type { DbCheck } from "./kit.ts";
import { publicPrivileges } from "./public-privileges.ts";
import { roleAttributes } from "./role-attributes.ts";
import { roleLimits } from "./role-limits.ts";
import { roleOwnsNothing } from "./role-owns-nothing.ts";
import { securityDefinerSearchPath } from "./security-definer.ts";

export const DB_CHECKS: DbCheck[] = [
  roleOwnsNothing,
  roleAttributes,
  roleLimits,
  cannotEscalate,
  publicPrivileges,
  securityDefinerSearchPath,
  hbaSuperuserLocal,
];
