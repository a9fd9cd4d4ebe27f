"""Finds the two contract files, schema/config.schema.json and schema/functions.json.

There is one copy of each in the repository (schema/). When the engine runs from a zip on EMR
(spark-submit --py-files sheetscale_engine.zip) the repository is not there, so the packager copies
the files into the zip as package data of this package (see bundle_schema_files); they are read
through importlib.resources, which also reads from zips. SHEETSCALE_SCHEMA_DIR overrides both.
"""

from __future__ import annotations

import json
import os
import zipfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

SCHEMA_FILES = ("config.schema.json", "functions.json")
# Where the files go inside this package when bundled: sheetscale_engine/config/schema/<file>.
BUNDLED_DIR = "schema"
REPO_SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schema"


def _read_text(name: str) -> str:
    override = os.environ.get("SHEETSCALE_SCHEMA_DIR")
    if override:
        return Path(override, name).read_text(encoding="utf-8")
    bundled = resources.files(__package__).joinpath(BUNDLED_DIR, name)
    if bundled.is_file():
        return bundled.read_text(encoding="utf-8")
    repo_file = REPO_SCHEMA_DIR / name
    if repo_file.is_file():
        return repo_file.read_text(encoding="utf-8")
    raise FileNotFoundError(
        f"cannot find {name}: not bundled in the sheetscale_engine package and not at {repo_file}; "
        "build the package with bundle_schema_files() or set SHEETSCALE_SCHEMA_DIR"
    )


@cache
def config_schema() -> dict[str, Any]:
    """schema/config.schema.json, parsed (shared; do not modify)."""
    loaded: dict[str, Any] = json.loads(_read_text("config.schema.json"))
    return loaded


@cache
def functions_document() -> dict[str, Any]:
    """schema/functions.json, parsed (shared; do not modify)."""
    loaded: dict[str, Any] = json.loads(_read_text("functions.json"))
    return loaded


def bundle_schema_files(archive: zipfile.ZipFile, package_dir: str = "sheetscale_engine/config") -> None:
    """Adds the contract files to a package zip being built, where _read_text finds them."""
    for name in SCHEMA_FILES:
        archive.writestr(f"{package_dir}/{BUNDLED_DIR}/{name}", _read_text(name))
