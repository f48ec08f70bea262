import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { packageRoot } from '../../../shared/package-root';

/** The JSON Schema of `silta/1`, the one file the reader, the docs and the tests share. */
export const SILTA_SCHEMA_FILE = path.join(packageRoot, 'docs', 'formats', 'silta-1.schema.json');

export type RecordKind = 'programme' | 'organisation' | 'project';

interface Validators {
  document: ValidateFunction;
  records: Record<RecordKind, ValidateFunction>;
}

let compiled: Validators | undefined;

/** The schema's validators, compiled once per process: the whole document and each record kind. */
export function siltaValidators(): Validators {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(SILTA_SCHEMA_FILE, 'utf8')) as { $id: string };
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addSchema(schema);
  const ref = (name: string): ValidateFunction => ajv.getSchema(`${schema.$id}#/$defs/${name}`)!;
  compiled = {
    document: ajv.getSchema(schema.$id)!,
    records: { programme: ref('programme'), organisation: ref('organisation'), project: ref('project') },
  };
  return compiled;
}

/** `/participations/0/role` under `projects[3]` → `projects[3].participations[0].role`. */
export function jsonPath(base: string, instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : `${path}.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`), base);
}

/** One message per schema error, in words a person filling in a file understands. */
export function describeSchemaError(error: ErrorObject): { path: string; message: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: `${error.instancePath}/${String(params.missingProperty)}`, message: `${String(params.missingProperty)} is required` };
    case 'additionalProperties':
      return { path: `${error.instancePath}/${String(params.additionalProperty)}`, message: `Unknown field "${String(params.additionalProperty)}"` };
    case 'enum':
      return { path: error.instancePath, message: `Expected one of ${(params.allowedValues as string[]).join(', ')}` };
    case 'pattern':
      return { path: error.instancePath, message: `Does not have the expected form (${String(params.pattern)})` };
    default:
      return { path: error.instancePath, message: error.message ?? 'Invalid value' };
  }
}

/**
 * Schema errors for one record. `anyOf` branches repeat the same complaint per branch, so only the
 * errors of the deepest paths are kept, once each.
 */
export function recordSchemaProblems(kind: RecordKind, record: unknown, base: string): Array<{ column: string; message: string }> {
  const validate = siltaValidators().records[kind];
  if (validate(record)) return [];
  const seen = new Set<string>();
  const problems: Array<{ column: string; message: string }> = [];
  for (const error of validate.errors ?? []) {
    // The null branch of an optional field's anyOf adds nothing to the real complaint.
    if (error.keyword === 'anyOf' || (error.keyword === 'type' && (error.params as { type?: unknown }).type === 'null')) continue;
    const { path, message } = describeSchemaError(error);
    const column = jsonPath(base, path);
    const key = `${column}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ column, message });
  }
  return problems;
}
