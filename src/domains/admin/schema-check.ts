import { isIP } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Schema } from './schemas.js';

/**
 * How an admin document is checked against its JSON schema (schemas.ts): ajv with every error at
 * once, and each error named by its field from the schema's own `description`.
 */
/** One validator for every admin schema: all errors at once, defaults filled in, no type coercion. */
export const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: false, verbose: true, strict: true });
ajv.addFormat('ip', (s: string) => isIP(s) !== 0);

/** `/apps/0/colour` → `apps[0].colour`. */
function fieldName(instancePath: string, dataVar: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? dataVar : out;
}

/** The schema at a JSON pointer (`#/properties/apps/items`) of the root. */
function at(root: Schema, pointer: string): Schema | undefined {
  let node: unknown = root;
  for (const key of pointer
    .replace(/^#\/?/, '')
    .split('/')
    .filter((k) => k !== '')) {
    node = (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node as Schema | undefined;
}

/**
 * An error inside a list or a map of plain values (an IP of ip_whitelist, a limit of
 * daily_quotas) is named by the list or map, with its description: where it was refused, and
 * what the whole must be.
 */
function owner(e: ErrorObject, root: Schema): { instancePath: string; schema: Schema } {
  const own = (e.parentSchema ?? {}) as Schema;
  if (typeof own.description === 'string') return { instancePath: e.instancePath, schema: own };
  const m = /^(.*)\/(items|additionalProperties|propertyNames)(\/.*)?$/.exec(e.schemaPath);
  const container = m ? at(root, m[1] as string) : undefined;
  if (!m || !container) return { instancePath: e.instancePath, schema: own };
  const instancePath = m[2] === 'propertyNames' ? e.instancePath : e.instancePath.replace(/\/[^/]*$/, '');
  return { instancePath, schema: container };
}

/** Every error named by its field, one per field, in the order the schema lists the fields. */
export function describeErrors(errors: readonly ErrorObject[], root: Schema, dataVar = 'body'): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of errors) {
    const where = owner(e, root);
    const field = fieldName(where.instancePath, dataVar);
    const prefix = field === dataVar ? '' : `${field}.`;
    let name = field;
    let text: string;
    if (e.keyword === 'additionalProperties' && where.instancePath === e.instancePath) {
      name = `${prefix}${String(e.params.additionalProperty)}`;
      text = 'unknown key';
    } else if (e.keyword === 'required') {
      name = `${prefix}${String(e.params.missingProperty)}`;
      text = 'required';
    } else {
      const description = typeof where.schema.description === 'string' ? where.schema.description : e.message;
      text = `must be ${String(description).replace(/^must be /, '')}`;
    }
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(`${name}: ${text}`);
  }
  return out;
}

const compiled = new Map<Schema, ValidateFunction>();

/** Validates `data` against `schema`: the value (defaults filled in) or the errors, each naming its field. */
export function check<T>(
  schema: Schema,
  data: unknown,
  dataVar = 'body',
): { ok: true; value: T } | { ok: false; errors: string[] } {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  if (v(data)) return { ok: true, value: data as T };
  return { ok: false, errors: describeErrors(v.errors ?? [], schema, dataVar) };
}
