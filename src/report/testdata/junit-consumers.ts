// What the JUnit readers of CI report tools see in a file apex wrote. Each reads the file
// itself, as the tools do: junit2json (a generic JUnit-to-JSON reader), junit-to-ctrf
// (the CTRF project's JUnit reader, which feeds its GitHub test reporter) and
// test-results-parser (the reader behind testbeats' CI summaries).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as junit2json } from "junit2json";
import { convertJUnitToCTRFReport } from "junit-to-ctrf";
import { parse as testResultsParser } from "test-results-parser";

export interface ConsumerViews {
  junit2json: any; // its TestSuites shape: testsuite[].testcase[] with attributes as fields
  ctrf: NonNullable<Awaited<ReturnType<typeof convertJUnitToCTRFReport>>>;
  testResults: ReturnType<typeof testResultsParser>;
}

export async function readWithConsumers(file: string): Promise<ConsumerViews> {
  const ctrf = await convertJUnitToCTRFReport(file);
  if (!ctrf) throw new Error(`junit-to-ctrf found no test case in ${file}`);
  return {
    junit2json: await junit2json(readFileSync(file, "utf8")),
    ctrf,
    testResults: testResultsParser({ type: "junit", files: [file] }),
  };
}

export async function readXmlWithConsumers(xml: string): Promise<ConsumerViews> {
  const dir = mkdtempSync(join(tmpdir(), "apex-junit-"));
  try {
    writeFileSync(join(dir, "report.junit.xml"), xml);
    return await readWithConsumers(join(dir, "report.junit.xml"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
