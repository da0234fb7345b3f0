// npm run docs:matrix: rewrite the capability matrix in docs/security.md from the stack.
import { generateMatrixTable, writeDocumentedMatrix, SECURITY_DOC } from "../src/report/security-doc.ts";

const table = await generateMatrixTable({ files: ["infra/compose.yaml"], profiles: ["*"] }, "infra/exemptions.yaml");
writeDocumentedMatrix(table);
console.log(`${SECURITY_DOC}: capability matrix regenerated`);
