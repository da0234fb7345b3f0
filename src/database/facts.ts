// What the database-posture checks judge, gathered once per run from the live cluster by one
// read-only SQL script (gather.sql) run as the superuser on the server's own socket. The
// escalation attempts run as each service's role inside subtransactions that always roll
// back: nothing they try is left behind.

export interface RoleFacts {
  name: string;
  superuser: boolean;
  createrole: boolean;
  createdb: boolean;
  replication: boolean;
  bypassrls: boolean;
  login: boolean;
  connlimit: number;
  /** rolconfig: "statement_timeout=30s" ... */
  config: string[];
}

export interface Attempt {
  role: string;
  statement: string;
  /** "refused" (insufficient privilege), "succeeded" (rolled back), or the error it met. */
  result: string;
  sqlstate?: string;
}

export interface DatabaseFacts {
  database: string;
  databases: Array<{ name: string; owner: string; publicPrivileges: string[] }>;
  schemas: Array<{ name: string; owner: string; publicCreate: boolean }>;
  roles: RoleFacts[];
  securityDefiner: Array<{ fn: string; owner: string; config: string[] }>;
  hba: Array<{ line: number; type: string; database: string[]; users: string[]; method: string }>;
  attempts: Attempt[];
  /** The script and its raw output, for the evidence. */
  command: string[];
  output: string;
}

/** Where each service logs in: its role, from PGUSER or a DATABASE_URL's user. */
export interface ServiceRole {
  service: string;
  role: string;
}
