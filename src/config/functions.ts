// The closed list of supported Excel functions, read from schema/functions.json (never copied).
import { functionsDocument, isJsonObject } from './schema';

export type FunctionCategory = 'logical' | 'information' | 'math' | 'text' | 'date' | 'table';
const CATEGORIES: readonly FunctionCategory[] = ['logical', 'information', 'math', 'text', 'date', 'table'];

export interface FunctionSpec {
  /** Upper-case Excel name, e.g. "ROUND". */
  name: string;
  category: FunctionCategory;
  minArgs: number;
  maxArgs: number;
  /** For table functions: the step the recorder turns a call into. */
  becomesStep?: 'lookup' | 'conditionalAggregate';
  /** TODAY/NOW: evaluated once, at the start of the run. */
  pinnedToRunStart?: boolean;
}

function readFunctions(): readonly FunctionSpec[] {
  const list = functionsDocument.functions;
  if (!Array.isArray(list)) throw new Error('schema/functions.json: "functions" must be a list');
  return Object.freeze(
    list.map((entry, i) => {
      const where = `schema/functions.json: functions[${i}]`;
      if (!isJsonObject(entry)) throw new Error(`${where} must be an object`);
      const { name, category, minArgs, maxArgs, becomesStep, pinnedToRunStart } = entry;
      if (typeof name !== 'string') throw new Error(`${where}.name must be a string`);
      if (typeof category !== 'string' || !(CATEGORIES as readonly string[]).includes(category)) {
        throw new Error(`${where}.category must be one of ${CATEGORIES.join(', ')}`);
      }
      if (typeof minArgs !== 'number' || typeof maxArgs !== 'number' || minArgs > maxArgs) {
        throw new Error(`${where}: minArgs/maxArgs must be numbers with minArgs <= maxArgs`);
      }
      const spec: FunctionSpec = { name, category: category as FunctionCategory, minArgs, maxArgs };
      if (becomesStep === 'lookup' || becomesStep === 'conditionalAggregate') spec.becomesStep = becomesStep;
      else if (becomesStep !== undefined) throw new Error(`${where}.becomesStep is not a step op`);
      if (pinnedToRunStart === true) spec.pinnedToRunStart = true;
      return Object.freeze(spec);
    }),
  );
}

/** Every supported function, in the file's order. */
export const FUNCTIONS: readonly FunctionSpec[] = readFunctions();

const BY_NAME: ReadonlyMap<string, FunctionSpec> = new Map(FUNCTIONS.map((f) => [f.name, f]));

/** The function of that (upper-case) name, or undefined when it is not supported. */
export function getFunction(name: string): FunctionSpec | undefined {
  return BY_NAME.get(name);
}

/** True for functions that may appear in an expression's call node (not 'table' functions). */
export function isScalarFunction(name: string): boolean {
  const spec = BY_NAME.get(name);
  return spec !== undefined && spec.category !== 'table';
}
