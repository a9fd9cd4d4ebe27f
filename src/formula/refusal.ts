/** Why a formula cannot be recorded, in words a user can act on. */

/** A formula sheetscale will not translate: names the cell, the formula, the part and what is supported. */
export class FormulaRefusedError extends Error {
  constructor(
    /** "Sheet1!D2" */
    readonly cell: string,
    readonly formula: string,
    /** The offending part of the formula, e.g. "OFFSET" or "B3". */
    readonly part: string,
    /** What is wrong and what is supported instead. */
    readonly reason: string,
  ) {
    super(`Cell ${cell} ${formula}: ${reason}`);
    this.name = 'FormulaRefusedError';
  }
}
