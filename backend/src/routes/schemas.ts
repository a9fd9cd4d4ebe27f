/**
 * JSON Schemas shared by the routes: they validate requests, shape responses and feed the
 * OpenAPI document (@fastify/swagger reads them from the routes).
 */
import { ENGINE_CHOICES, JOB_STATES } from '../../../src/api/types';

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
} as const;

/**
 * One cell. Checked in code (isCellValue), not by an anyOf here: with the query-string type
 * coercion the server needs, ajv would coerce a blank (null) to 0 in an anyOf's number branch.
 */
export const cellSchema = {
  description: 'A cell: number, text, true/false, null (blank) or {"error": "#N/A"}.',
} as const;

export const columnSchema = {
  type: 'object',
  required: ['name', 'type'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 255 }, type: { type: 'string', enum: ['number', 'text', 'logical', 'date', 'mixed'] } },
  additionalProperties: false,
} as const;

export const rowsSchema = { type: 'array', items: { type: 'array', items: cellSchema } } as const;

/** The Job type of src/api/types.ts as JSON Schema; backend/test/job-schema.test.ts keeps the two alike. */
export const jobSchema = {
  $id: 'Job',
  type: 'object',
  required: ['id', 'user', 'state', 'progress', 'attempts', 'createdAt', 'datasets', 'configHash'],
  properties: {
    id: { type: 'string' },
    user: { type: 'string' },
    state: { type: 'string', enum: JOB_STATES },
    progress: { type: 'number', minimum: 0, maximum: 1 },
    phase: { type: 'string' },
    attempts: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    datasets: { type: 'array', items: { type: 'string' } },
    configHash: { type: 'string' },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, step: { type: 'string' }, hint: { type: 'string' } } },
    steps: { type: 'array', items: { type: 'object', additionalProperties: true } },
    rowCount: { type: 'integer' },
    engine: { type: 'string', enum: ENGINE_CHOICES, description: 'The engine the submission asked for; absent = the service default. summary.json names the engine that ran.' },
  },
} as const;

export const jobReplySchema = { type: 'object', properties: { job: { $ref: 'Job#' } } } as const;

/** A config is validated by validateConfig (src/config), not here: any object passes this gate. */
export const configSchema = { type: 'object', description: 'A sheetscale transformation config (schema/config.schema.json, version 1).', additionalProperties: true } as const;

/** The engine's summary.json, passed through as is. */
export const summarySchema = { type: 'object', additionalProperties: true } as const;

export const errorResponses = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
  409: { $ref: 'Error#' },
  429: { $ref: 'Error#' },
} as const;

export const bearer = [{ bearerAuth: [] }];
