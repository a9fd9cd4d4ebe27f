/** Excel's error codes, read from the config schema (the one definition of them). */
import schema from '../../schema/config.schema.json';

export const EXCEL_ERROR_CODES: ReadonlySet<string> = new Set(schema.$defs.ErrorCode.enum);
