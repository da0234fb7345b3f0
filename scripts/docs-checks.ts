// npm run docs:checks: rewrite docs/checks.md from the catalogue.
import { writeFileSync } from "node:fs";
import { CHECKS_DOC, checksMarkdown } from "../src/report/checks-doc.ts";

writeFileSync(CHECKS_DOC, checksMarkdown());
console.log(`${CHECKS_DOC}: regenerated from the catalogue`);
