/** Config validation, explain and preview (synchronous, small). */
import type { FastifyInstance } from 'fastify';
import { validateConfig } from '../../../src/config/validate';
import type { SheetscaleConfig } from '../../../src/config/types.generated';
import { writeCsv } from '../csv';
import { BadRequestError, PayloadTooLargeError } from '../errors';
import { cellToText, isCellValue, type ColumnType } from '../excel-values';
import { defaultBinding, requireValidConfig } from '../job-service';
import { principalOf } from '../plugins/auth';
import type { Services } from '../services';
import type { Principal } from '../token-verifier';
import { bearer, configSchema, errorResponses, rowsSchema, summarySchema } from './schemas';

type PreviewInput = { rows: unknown[][] } | { dataset: string };

/**
 * Writes each source's preview input as CSV text for the engine and points the source at it:
 * rows from the workbook (dates as ISO text), or the first rows of a dataset the caller may read.
 */
async function previewInputs(services: Services, principal: Principal, config: SheetscaleConfig, inputs: Record<string, PreviewInput>): Promise<{ config: SheetscaleConfig; csv: Record<string, string> }> {
  const max = services.config.previewMaxRows;
  const csv: Record<string, string> = {};
  const names = new Set(config.sources.map((s) => s.name));
  for (const name of Object.keys(inputs)) if (!names.has(name)) throw new BadRequestError(`inputs["${name}"]: the config has no source "${name}".`, undefined, 'BINDING_INVALID');
  const sources = [];
  for (const src of config.sources) {
    const input: PreviewInput = inputs[src.name] ?? defaultBinding(src);
    if ('rows' in input && Array.isArray(input.rows)) {
      if (input.rows.length > max) throw new PayloadTooLargeError(`inputs["${src.name}"] has ${input.rows.length} rows; a preview takes at most ${max} per source.`);
      const lines = [src.columns.map((c) => c.field ?? c.name)];
      input.rows.forEach((row, r) => {
        if (!Array.isArray(row) || row.length !== src.columns.length) throw new BadRequestError(`inputs["${src.name}"].rows[${r}] must have ${src.columns.length} cells, one per source column.`, undefined, 'PREVIEW_INPUT_INVALID');
        lines.push(
          row.map((v, c) => {
            if (!isCellValue(v)) throw new BadRequestError(`inputs["${src.name}"].rows[${r}][${c}] is not a cell value.`, undefined, 'PREVIEW_INPUT_INVALID');
            return cellToText(v, src.columns[c]!.type as ColumnType);
          }),
        );
      });
      csv[src.name] = writeCsv(lines);
      sources.push({ ...src, columns: src.columns.map(({ dateFormat: _d, ...c }) => c), format: { type: 'csv' as const, header: true } });
    } else if ('dataset' in input && typeof input.dataset === 'string') {
      const d = services.catalog.requireReadable(principal, input.dataset);
      if (d.format.type === 'csv') {
        // The file's own text, so that the engine reads the sample exactly as it reads the dataset.
        const { header, body } = await services.catalog.sampleTexts(d, max);
        csv[src.name] = writeCsv(header.length ? [header, ...body] : body);
        sources.push({ ...src, format: { ...d.format, type: 'csv' as const } });
      } else {
        // Other formats: the typed sample, written as CSV like rows from the workbook.
        const sample = await services.catalog.sample(d, max);
        const lines = [d.columns.map((c) => c.name), ...sample.map((row) => row.map((v, i) => cellToText(v, d.columns[i]!.type)))];
        csv[src.name] = writeCsv(lines);
        sources.push({ ...src, columns: src.columns.map(({ dateFormat: _d, ...c }) => c), format: { type: 'csv' as const, header: true } });
      }
    } else {
      throw new BadRequestError(`inputs["${src.name}"] must be {"rows": [...]} or {"dataset": id}.`, undefined, 'PREVIEW_INPUT_INVALID');
    }
  }
  return { config: { ...config, sources }, csv };
}

export default async function configRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.post<{ Body: Record<string, unknown> }>(
    '/configs/validate',
    {
      schema: {
        tags: ['configs'],
        summary: 'Validate a config against the schema and the semantic rules',
        security: bearer,
        body: configSchema,
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } } }, ...errorResponses },
      },
    },
    async (req) => {
      principalOf(req);
      const r = validateConfig(req.body);
      return r.ok ? { ok: true } : { ok: false, errors: r.errors };
    },
  );

  app.post<{ Body: Record<string, unknown> }>(
    '/configs/explain',
    { schema: { tags: ['configs'], summary: 'The PySpark a person would read for this config', security: bearer, body: configSchema, response: { 200: { type: 'object', properties: { pyspark: { type: 'string' } } }, ...errorResponses } } },
    async (req) => {
      principalOf(req);
      return { pyspark: await services.engine.explain(requireValidConfig(req.body)) };
    },
  );

  app.post<{ Body: { config: Record<string, unknown>; inputs?: Record<string, PreviewInput> } }>(
    '/preview',
    {
      schema: {
        tags: ['configs'],
        summary: 'Run a config on sample rows with the local engine (synchronous, ≤ 5,000 rows per input)',
        security: bearer,
        body: {
          type: 'object',
          required: ['config'],
          properties: {
            config: configSchema,
            inputs: {
              type: 'object',
              additionalProperties: { oneOf: [{ type: 'object', required: ['rows'], properties: { rows: rowsSchema }, additionalProperties: false }, { type: 'object', required: ['dataset'], properties: { dataset: { type: 'string' } }, additionalProperties: false }] },
            },
          },
        },
        response: { 200: { type: 'object', properties: { summary: summarySchema, rows: rowsSchema } }, ...errorResponses },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const config = requireValidConfig(req.body.config);
      const prepared = await previewInputs(services, principal, config, req.body.inputs ?? {});
      const summary = await services.engine.preview(prepared.config, prepared.csv);
      return { summary, rows: Array.isArray(summary.firstRows) ? summary.firstRows : [] };
    },
  );

}
