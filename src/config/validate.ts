// validateConfig: the one entry point every part uses to accept or reject a transformation config.
// Order: size and expression limits, then the JSON Schema, then the semantic checks; each stage
// runs only when the previous one found nothing, so every message is about a config whose shape
// the next stage can rely on.
import { LIMITS, type Limits } from './limits';
import { finishIssues, formatIssue, type ConfigIssue, type RawIssue } from './issues';
import { configBytes, expressionLimitIssues, sizeIssues } from './limitIssues';
import { schemaIssues } from './schemaIssues';
import { semanticIssues } from './semanticIssues';
import type { SheetscaleConfig } from './types.generated';

export { formatIssue, type ConfigIssue };

export interface ValidateOptions {
  /** Override some limits (tests, or a deployment that allows bigger configs). */
  limits?: Partial<Limits>;
}

export type ValidationResult = { ok: true; config: SheetscaleConfig } | { ok: false; errors: ConfigIssue[] };

/** Thrown by assertValidConfig; `issues` holds every problem found. */
export class ConfigValidationError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`invalid sheetscale config (${count}):\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.name = 'ConfigValidationError';
    this.issues = issues;
  }
}

/**
 * Validates a config given as parsed JSON, or as JSON text (a string). Same issues, same words, as
 * the Python engine's `validate_config`.
 */
export function validateConfig(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const limits: Limits = { ...LIMITS, ...options.limits };
  let config: unknown = input;
  let text: string | undefined;
  if (typeof input === 'string') {
    text = input;
    try {
      config = JSON.parse(input) as unknown;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { ok: false, errors: [{ path: '(root)', message: `is not valid JSON (${reason})` }] };
    }
  }
  const stages: (() => RawIssue[])[] = [
    () => sizeIssues(configBytes(config, text), limits),
    () => expressionLimitIssues(config, limits),
    () => schemaIssues(config),
    () => semanticIssues(config as SheetscaleConfig, limits),
  ];
  for (const stage of stages) {
    const issues = stage();
    if (issues.length > 0) return { ok: false, errors: finishIssues(issues) };
  }
  return { ok: true, config: config as SheetscaleConfig };
}

/** The config, typed, or a ConfigValidationError listing every issue. */
export function assertValidConfig(input: unknown, options: ValidateOptions = {}): SheetscaleConfig {
  const result = validateConfig(input, options);
  if (!result.ok) throw new ConfigValidationError(result.errors);
  return result.config;
}
