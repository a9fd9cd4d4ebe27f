"""The ops (steps other than formulas) on DuckDB, one module each."""
