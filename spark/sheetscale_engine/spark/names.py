"""Column names: Excel headers used as Spark column names, and the engine's helper columns."""

from __future__ import annotations

from typing import Final

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

# Source row order (0-based order key, see reader.py); "first match", "keep first" and stable
# sort depend on it. Every helper column starts with "__" so it can never clash with a header
# that a user typed (the recorder refuses headers starting with "__"? no: we simply never output them).
ROW: Final = "__row"
HELPER_PREFIX: Final = "__"


def col(name: str) -> Column:
    """A column by its exact name, whatever characters the Excel header holds (dots, spaces...)."""
    return F.col("`" + name.replace("`", "``") + "`")


def is_helper(name: str) -> bool:
    return name.startswith(HELPER_PREFIX)
