// The config contract's JSON Schema, loaded once. Everything in src/config reads the schema from
// here so that there is one definition of every fact (limits, error codes, enums).
import schemaJson from '../../schema/config.schema.json';
import functionsJson from '../../schema/functions.json';

/** A JSON value as parsed from a file. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The schema document (schema/config.schema.json) as plain JSON. */
export const configSchema: JsonObject = schemaJson as unknown as JsonObject;

/** schema/functions.json as plain JSON. */
export const functionsDocument: JsonObject = functionsJson as unknown as JsonObject;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema's `$defs`. */
export function schemaDefs(schema: JsonObject = configSchema): JsonObject {
  const defs = schema.$defs;
  if (!isJsonObject(defs)) throw new Error('schema/config.schema.json has no $defs');
  return defs;
}
