/**
 * Uploads the engine's job package (job.py and sheetscale_engine.zip, built by
 * `python -m sheetscale_engine.spark.package DIR`) to the s3:// prefix the EMR runners submit from.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Storage } from './storage/storage';
import { joinUri } from './storage/storage';

export const jobPackageFiles = ['job.py', 'sheetscale_engine.zip'] as const;

export async function uploadJobPackage(storage: Storage, dir: string, packageUri: string): Promise<void> {
  for (const f of jobPackageFiles) {
    const body = await readFile(path.join(dir, f)).catch(() => {
      throw new Error(`SHEETSCALE_JOB_PACKAGE_DIR: ${path.join(dir, f)} is missing; build it with \`spark/.venv/bin/python -m sheetscale_engine.spark.package ${dir}\``);
    });
    await storage.write(joinUri(packageUri, f), body);
  }
}
