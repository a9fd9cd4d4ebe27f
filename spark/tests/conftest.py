"""Shared pytest fixtures: one SparkSession for the whole test session (never one per module)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from sheetscale_engine.spark.session import build_session, local_test_conf

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "test" / "fixtures"


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    session = build_session("sheetscale-tests", master="local[2]", extra_conf=local_test_conf())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
