// Excel's error values, read from the schema's `$defs.ErrorCode` enum.
import { schemaDefs, isJsonObject } from './schema';
import type { ErrorCode } from './types.generated';

function readErrorCodes(): readonly ErrorCode[] {
  const def = schemaDefs().ErrorCode;
  const values = isJsonObject(def) ? def.enum : undefined;
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
    throw new Error('schema/config.schema.json: $defs.ErrorCode.enum must be a list of strings');
  }
  return Object.freeze(values as ErrorCode[]);
}

/** Every Excel error code a value can carry ("#N/A", "#DIV/0!", ...), in the schema's order. */
export const ERROR_CODES: readonly ErrorCode[] = readErrorCodes();

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
