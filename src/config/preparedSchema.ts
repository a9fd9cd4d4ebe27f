// The schema as both validators run it: each discriminated `oneOf` union (Step by `op`, Expr by
// `kind`, SourceFormat by `type`, FilterCondition by `filterOn`) is rewritten into an equivalent
// if/then chain keyed by the discriminator. A `oneOf` reports the errors of every branch; the
// chain reports only those of the branch the config chose, which is what a person needs to read.
// spark/sheetscale_engine/config/prepared_schema.py performs the same rewrite.
import { configSchema, isJsonObject, schemaDefs, type Json, type JsonObject } from './schema';

/** Marks the discriminator's enum, so that its error is worded `unknown op "x" (...)`. */
export const DISCRIMINATOR_KEYWORD = 'x-discriminator';

function resolveLocal(schema: JsonObject, node: Json): JsonObject {
  if (isJsonObject(node) && typeof node.$ref === 'string') {
    const prefix = '#/$defs/';
    if (!node.$ref.startsWith(prefix)) throw new Error(`unsupported $ref ${node.$ref}`);
    const target = schemaDefs(schema)[node.$ref.slice(prefix.length)];
    if (!isJsonObject(target)) throw new Error(`unresolved $ref ${node.$ref}`);
    return target;
  }
  if (!isJsonObject(node)) throw new Error('oneOf branch is not a schema object');
  return node;
}

function discriminatorValues(branch: JsonObject, property: string): Json[] | undefined {
  const required = branch.required;
  const props = branch.properties;
  if (!Array.isArray(required) || !required.includes(property) || !isJsonObject(props)) return undefined;
  const p = props[property];
  if (!isJsonObject(p)) return undefined;
  if ('const' in p) return [p.const as Json];
  if (Array.isArray(p.enum)) return p.enum;
  return undefined;
}

/** The rewritten schema (a deep copy; the original is untouched). */
export function prepareSchema(original: JsonObject = configSchema): JsonObject {
  const schema = JSON.parse(JSON.stringify(original)) as JsonObject;
  const defs = schemaDefs(schema);
  for (const [name, def] of Object.entries(defs)) {
    if (!isJsonObject(def) || !Array.isArray(def.oneOf)) continue;
    const branches = def.oneOf.map((b) => resolveLocal(schema, b));
    const first = branches[0];
    const firstRequired = first && Array.isArray(first.required) ? first.required : [];
    const property = firstRequired.find(
      (p): p is string => typeof p === 'string' && branches.every((b) => discriminatorValues(b, p) !== undefined),
    );
    if (property === undefined) throw new Error(`$defs.${name}: oneOf without a discriminating property`);
    const values: Json[] = [];
    const chain: Json[] = def.oneOf.map((branchRef, i) => {
      const own = discriminatorValues(branches[i] as JsonObject, property) as Json[];
      values.push(...own);
      const test: JsonObject = own.length === 1 ? { const: own[0] as Json } : { enum: own };
      return {
        if: { type: 'object', required: [property], properties: { [property]: test } },
        then: branchRef,
      };
    });
    const rewritten: JsonObject = {};
    for (const [k, v] of Object.entries(def)) if (k !== 'oneOf') rewritten[k] = v;
    rewritten.type = 'object';
    rewritten.required = [property];
    rewritten.properties = { [property]: { enum: values, [DISCRIMINATOR_KEYWORD]: true } };
    rewritten.allOf = chain;
    defs[name] = rewritten;
  }
  return schema;
}
