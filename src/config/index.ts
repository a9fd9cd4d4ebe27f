// The config contract: generated types, validation, and the facts read from the schema.
export * from './types.generated';
export { validateConfig, assertValidConfig, ConfigValidationError, formatIssue } from './validate';
export type { ValidateOptions, ValidationResult, ConfigIssue } from './validate';
export { FUNCTIONS, getFunction, isScalarFunction } from './functions';
export type { FunctionSpec, FunctionCategory } from './functions';
export { LIMITS, RESERVED_COLUMN_PREFIX } from './limits';
export type { Limits } from './limits';
export { ERROR_CODES, isErrorCode } from './errors';
export { formatPath } from './issues';
export type { PathSegment } from './issues';
