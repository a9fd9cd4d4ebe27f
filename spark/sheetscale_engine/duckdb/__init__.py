"""The DuckDB lowering: the engine core's plan as DuckDB SQL (embedded default, verify, preview,
jobs whose inputs are on this machine). SQL only: no Python UDFs."""
