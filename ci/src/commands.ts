// The verifier command lines the module runs, kept free of Dagger imports so that a test
// runs these very argv arrays without an engine (ci/test/module-commands.test.ts).
export const REPORT_DIR = "/report";
export const POLICY_ARGS = ["policy", "--no-images", "--format", "json,md,sarif"];
// The images were built with dockerBuild and loaded into the engine: verify exactly those.
export const VERIFY_ARGS = ["verify", "--no-build"];
export const LOAD_IMAGES = ["npx", "tsx", "src/release/load-images.ts"];
export const BUNDLE = ["node", "scripts/build-services.mjs"];
// Installs the lock's versions (as scripts/ensure-deps.sh does: npm ci rejects this lock).
export const NPM_INSTALL = ["npm", "install", "--no-save", "--no-audit", "--no-fund"];

/** `npx apex <args> --out /report`. */
export const apexArgv = (args: string[], out = REPORT_DIR) => ["npx", "apex", ...args, "--out", out];
