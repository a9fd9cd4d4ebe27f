// Runs the prepared schema with ajv (JSON Schema 2020-12, all errors) and words each raw error as
// the one canonical message of its keyword. spark/sheetscale_engine/config/schema_issues.py does the
// same with Python's jsonschema; both must produce the same issues for the same config.
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { prepareSchema, DISCRIMINATOR_KEYWORD } from './preparedSchema';
import { isJsonObject, type JsonObject } from './schema';
import type { PathSegment, RawIssue } from './issues';
import { describeValue, closest, didYouMean, plural } from './words';

const TYPE_PHRASES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] as string}`;
}

/**
 * The canonical messages for one failed keyword. `keywordValue` is the keyword's value in the
 * schema, `parentSchema` the schema object holding it, `instance` the value at `segments`.
 */
export function keywordIssues(
  keyword: string,
  keywordValue: unknown,
  parentSchema: unknown,
  instance: unknown,
  segments: PathSegment[],
): RawIssue[] {
  const parent = isJsonObject(parentSchema) ? parentSchema : {};
  const at = (message: string): RawIssue[] => [{ segments, message }];
  switch (keyword) {
    case 'required': {
      if (!isJsonObject(instance) || !Array.isArray(keywordValue)) return [];
      return keywordValue
        .filter((p): p is string => typeof p === 'string' && !(p in instance))
        .map((p) => ({ segments, message: `missing required property ${JSON.stringify(p)}` }));
    }
    case 'additionalProperties': {
      if (!isJsonObject(instance)) return [];
      const known = isJsonObject(parent.properties) ? Object.keys(parent.properties) : [];
      return Object.keys(instance)
        .filter((k) => !known.includes(k))
        .map((k) => ({ segments, message: `unknown property ${JSON.stringify(k)}${didYouMean(k, known)}` }));
    }
    case 'type': {
      const types = Array.isArray(keywordValue) ? keywordValue.map(String) : [String(keywordValue)];
      return at(`must be ${orList(types.map((t) => TYPE_PHRASES[t] ?? t))} (got ${describeValue(instance)})`);
    }
    case 'enum': {
      const values = Array.isArray(keywordValue) ? keywordValue : [];
      if (parent[DISCRIMINATOR_KEYWORD] === true) {
        const property = String(segments[segments.length - 1] ?? '');
        const strings = values.filter((v): v is string => typeof v === 'string');
        const guess = typeof instance === 'string' ? closest(instance, strings) : undefined;
        const detail = guess === undefined ? `expected one of: ${strings.join(', ')}` : `did you mean ${JSON.stringify(guess)}?`;
        return at(`unknown ${property} ${describeValue(instance)} (${detail})`);
      }
      const strings = values.every((v) => typeof v === 'string') ? (values as string[]) : [];
      const guess = typeof instance === 'string' ? closest(instance, strings) : undefined;
      const hint = guess === undefined ? '' : `; did you mean ${JSON.stringify(guess)}?`;
      return at(`must be one of: ${values.map(describeValue).join(', ')} (got ${describeValue(instance)}${hint})`);
    }
    case 'const':
      return at(`must be ${describeValue(keywordValue)} (got ${describeValue(instance)})`);
    case 'minItems':
      return at(`must have at least ${plural(Number(keywordValue), 'item', 'items')}`);
    case 'maxItems':
      return at(`must have at most ${plural(Number(keywordValue), 'item', 'items')}`);
    case 'minLength':
      return at(`must be at least ${plural(Number(keywordValue), 'character', 'characters')} long`);
    case 'maxLength':
      return at(`must be at most ${plural(Number(keywordValue), 'character', 'characters')} long`);
    case 'pattern':
      return at(`must match the pattern ${String(keywordValue)} (got ${describeValue(instance)})`);
    case 'minimum':
      return at(`must be >= ${describeValue(keywordValue)} (got ${describeValue(instance)})`);
    case 'maximum':
      return at(`must be <= ${describeValue(keywordValue)} (got ${describeValue(instance)})`);
    case 'exclusiveMinimum':
      return at(`must be > ${describeValue(keywordValue)} (got ${describeValue(instance)})`);
    case 'exclusiveMaximum':
      return at(`must be < ${describeValue(keywordValue)} (got ${describeValue(instance)})`);
    // Wrappers whose inner errors are reported on their own.
    case 'if':
    case 'allOf':
    case '$ref':
    case 'properties':
    case 'items':
      return [];
    default:
      return at(`is not valid (${keyword})`);
  }
}

/** A JSON pointer (`/steps/3/expr`) as path segments, array indexes as numbers. */
function pointerSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      segments.push(index);
      node = node[index];
    } else {
      segments.push(key);
      node = isJsonObject(node) ? node[key] : undefined;
    }
  }
  return segments;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false, allowUnionTypes: true });
    ajv.addKeyword('x-sheetscale-limits');
    ajv.addKeyword('x-sheetscale-reserved-column-prefix');
    ajv.addKeyword(DISCRIMINATOR_KEYWORD);
    compiled = ajv.compile(prepareSchema() as JsonObject);
  }
  return compiled;
}

/** Schema issues of a config (unsorted, possibly repeated; see finishIssues). */
export function schemaIssues(config: unknown): RawIssue[] {
  const validate = validator();
  if (validate(config)) return [];
  const errors: ErrorObject[] = validate.errors ?? [];
  return errors.flatMap((e) =>
    keywordIssues(e.keyword, e.schema, e.parentSchema, e.data, pointerSegments(e.instancePath, config)),
  );
}
