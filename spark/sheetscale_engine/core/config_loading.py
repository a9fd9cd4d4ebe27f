"""A config's bytes → the validated config and its hash, with the errors error.json reports.

Both jobs read the bytes their own way (DuckDB: local files; Spark: Hadoop's FileSystem, s3:// on
EMR) and hand them here.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sheetscale_engine.config import ConfigValidationError, validate_config
from sheetscale_engine.config.validate import parse_json
from sheetscale_engine.errors import ConfigInvalidError, step_ref


def parse_config(raw: bytes, uri: str) -> tuple[dict[str, Any], str]:
    """The validated config and ``sha256:<hex>`` of its bytes; ConfigInvalidError names the step."""
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    try:
        config = parse_json(raw)
    except ValueError as exc:
        raise ConfigInvalidError(
            f"The config {uri} is not valid JSON ({exc}).", hint="Fix the JSON syntax."
        ) from exc
    issues = validate_config(config, text=raw)
    if issues:
        raise ConfigInvalidError(
            str(ConfigValidationError(issues, uri)),
            hint="Fix the config (or record it again); each problem names its place in the config.",
            step=step_of_issue(config, issues[0].path),
        )
    return config, digest


def step_of_issue(config: Any, path: str) -> dict[str, Any] | None:
    """The step a validation issue's path points into (``steps[3].expr`` → step 3), if any."""
    m = re.match(r"^steps\[(\d+)\]", path)
    if not m or not isinstance(config, dict):
        return None
    steps = config.get("steps")
    i = int(m.group(1))
    if isinstance(steps, list) and i < len(steps) and isinstance(steps[i], dict):
        return step_ref(steps[i])
    return None
