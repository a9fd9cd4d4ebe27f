// Limits that JSON Schema cannot express, read from the schema's `x-sheetscale-limits`.
import { configSchema, isJsonObject } from './schema';

export interface Limits {
  maxConfigBytes: number;
  maxSteps: number;
  maxExpressionDepth: number;
  maxExpressionNodes: number;
  maxSources: number;
  maxColumnsPerSource: number;
  maxSummaryRows: number;
}

const LIMIT_NAMES: readonly (keyof Limits)[] = [
  'maxConfigBytes',
  'maxSteps',
  'maxExpressionDepth',
  'maxExpressionNodes',
  'maxSources',
  'maxColumnsPerSource',
  'maxSummaryRows',
];

function readLimits(): Limits {
  const raw = configSchema['x-sheetscale-limits'];
  if (!isJsonObject(raw)) throw new Error('schema/config.schema.json has no x-sheetscale-limits object');
  const limits: Partial<Limits> = {};
  for (const name of LIMIT_NAMES) {
    const value = raw[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new Error(`schema/config.schema.json: x-sheetscale-limits.${name} must be a non-negative integer`);
    }
    limits[name] = value;
  }
  return limits as Limits;
}

/** The limits both validators enforce (schema/config.schema.json, `x-sheetscale-limits`). */
export const LIMITS: Readonly<Limits> = Object.freeze(readLimits());

function readReservedPrefix(): string {
  const prefix = configSchema['x-sheetscale-reserved-column-prefix'];
  if (typeof prefix !== 'string' || prefix === '') {
    throw new Error('schema/config.schema.json: x-sheetscale-reserved-column-prefix must be a non-empty string');
  }
  return prefix;
}

/** Column names may not start with this: the engine's helper columns (like the row order) do. */
export const RESERVED_COLUMN_PREFIX: string = readReservedPrefix();
