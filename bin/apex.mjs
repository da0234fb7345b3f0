#!/usr/bin/env node
// Entry point of `npx apex`: the verifier is TypeScript, run through tsx so that no build
// step can leave a stale copy behind.
import { register } from "tsx/esm/api";
register();
await import("../src/cli.ts");
