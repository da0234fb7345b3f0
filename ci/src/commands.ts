// The verifier command lines the module runs, kept free of Dagger imports so that a test
// runs these very argv arrays without an engine (ci/test/module-commands.docker.test.ts);
// the verification's steps and its verify command line are in ./steps.ts.
export const REPORT_DIR = "/report";
export const IMAGES_DIR = "/images";
export const POLICY_ARGS = ["policy", "--no-images", "--format", "json,md,sarif"];
export const LOAD_IMAGES = ["npx", "tsx", "src/release/load-images.ts"];
export const LOAD_AND_RUN = ["npx", "tsx", "src/release/load-and-run.ts"];
export const BUNDLE = ["node", "scripts/build-services.mjs"];
// Installs the lock's versions (as scripts/ensure-deps.sh does: npm ci rejects this lock).
export const NPM_INSTALL = ["npm", "install", "--no-save", "--no-audit", "--no-fund"];
// What npm install reads: copied (and installed) before the rest of the source.
export const NPM_MANIFESTS = ["package.json", "package-lock.json"];

/** `apex <args> --out /report`, by node itself: npx would first look the name up in the
 *  registry, which on an engine's internal network is 15-20 s of DNS timeouts per run. */
export const APEX = ["node", "bin/apex.mjs"];
export const apexArgv = (args: string[], out = REPORT_DIR) => [...APEX, ...args, "--out", out];

/** One exec: load /images/*.tar into the engine, then run `argv` against them. */
export const loadThen = (argv: string[], dir = IMAGES_DIR) => [...LOAD_AND_RUN, dir, "--", ...argv];

// The signing key is a mounted Secret; its password and the registry login are Secret
// environment variables of the one exec (COSIGN_PASSWORD, APEX_REGISTRY_PASSWORD).
export const SIGN_KEY_PATH = "/run/secrets/cosign.key";

/** One exec: load /images/*.tar (their files make the SBOMs), then `apex attest` the pushed references. */
export const attestArgv = (refs: string[], report = `${REPORT_DIR}/report.json`, key = SIGN_KEY_PATH, dir = IMAGES_DIR) =>
  loadThen([...APEX, "attest", "--from", report, "--sign-key", key, ...refs], dir);
