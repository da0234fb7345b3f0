// The JSON report contract as a schema, checked with ajv: `apex report` refuses input that
// is not an apex report, and tests hold every written report to the contract.
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { readFileSync } from "node:fs";
import { UsageError } from "../errors.ts";
import type { Report } from "../types.ts";
import schema from "./report.schema.json" with { type: "json" };

const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
const validate = addFormats(new Ajv({ allErrors: false })).compile(schema);

export function reportErrors(value: unknown): string | null {
  if (validate(value)) return null;
  const e = validate.errors![0];
  return `${e.instancePath || "(root)"} ${e.message}`;
}

export function readReport(file: string): Report {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError("report file not found or unreadable", file);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const pos = /position (\d+)/.exec(String(err))?.[1];
    const line = pos ? text.slice(0, Number(pos)).split("\n").length : undefined;
    throw new UsageError(`not valid JSON: ${(err as Error).message.split("\n")[0]}`, file, line);
  }
  const problem = reportErrors(value);
  if (problem) throw new UsageError(`not an apex report: ${problem}`, file);
  return value as Report;
}
