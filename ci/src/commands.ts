// The verifier command lines the module runs, kept free of Dagger imports so that a test
// runs these very argv arrays without an engine (ci/test/module-commands.test.ts).
export const REPORT_DIR = "/report";
export const POLICY_ARGS = ["policy", "--no-images", "--format", "json,md,sarif"];
// The images were built with dockerBuild and loaded into the engine: verify exactly those.
export const VERIFY_ARGS = ["verify", "--no-build"];
export const LOAD_IMAGES = ["npx", "tsx", "ci/verifier/release/load-images.ts"];
export const BUNDLE = ["node", "scripts/build-services.mjs"];
export const NPM_CI = ["npm", "ci", "--no-audit", "--no-fund"];

/** `npx apex <args> --out /report`. */
export const apexArgv = (args: string[], out = REPORT_DIR) => ["npx", "apex", ...args, "--out", out];
