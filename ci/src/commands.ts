// The verifier command lines the module runs, kept free of Dagger imports so that a test
// runs these very argv arrays without an engine (ci/test/module-commands.docker.test.ts).
export const REPORT_DIR = "/report";
export const IMAGES_DIR = "/images";
export const POLICY_ARGS = ["policy", "--no-images", "--format", "json,md,sarif"];
// The images were built with dockerBuild and loaded into the engine: verify exactly those.
export const VERIFY_ARGS = ["verify", "--no-build"];
export const LOAD_IMAGES = ["npx", "tsx", "src/release/load-images.ts"];
export const LOAD_AND_RUN = ["npx", "tsx", "src/release/load-and-run.ts"];
export const BUNDLE = ["node", "scripts/build-services.mjs"];
// Installs the lock's versions (as scripts/ensure-deps.sh does: npm ci rejects this lock).
export const NPM_INSTALL = ["npm", "install", "--no-save", "--no-audit", "--no-fund"];
// What npm install reads: copied (and installed) before the rest of the source.
export const NPM_MANIFESTS = ["package.json", "package-lock.json"];

/** `npx apex <args> --out /report`. */
export const apexArgv = (args: string[], out = REPORT_DIR) => ["npx", "apex", ...args, "--out", out];

/** One exec: load /images/*.tar into the engine, then `npx apex <args>` against them. */
export const loadThenApex = (args: string[], out = REPORT_DIR, dir = IMAGES_DIR) => [...LOAD_AND_RUN, dir, "--", ...apexArgv(args, out)];

// The signing key is a mounted Secret; its password and the registry login are Secret
// environment variables of the one exec (COSIGN_PASSWORD, APEX_REGISTRY_PASSWORD).
export const SIGN_KEY_PATH = "/run/secrets/cosign.key";

/** One exec: load /images/*.tar (their files make the SBOMs), then `apex attest` the pushed references. */
export const attestArgv = (refs: string[], report = `${REPORT_DIR}/report.json`, key = SIGN_KEY_PATH, dir = IMAGES_DIR) => [
  ...LOAD_AND_RUN, dir, "--", "npx", "apex", "attest", "--from", report, "--sign-key", key, ...refs,
];
