"""One module per config op; each exposes ``apply(table, step, ctx, metrics) -> Table``."""
