"""The sheetscale engine: a transformation config run as native Spark operations with Excel's semantics."""

from __future__ import annotations

__version__ = "0.1.0"
