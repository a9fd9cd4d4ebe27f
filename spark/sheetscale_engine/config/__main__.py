"""Validate configs from the command line.

    python -m sheetscale_engine.config CONFIG.json [...]
        one line per issue; exit 1 if any config is invalid
    python -m sheetscale_engine.config --jsonl
        batch: each stdin line {"config": ..., "limits": {...}} gives one stdout line, the list of
        formatted issues ("limits" is optional)

The batch mode lets the TypeScript tests compare both validators on many generated configs at once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sheetscale_engine.config.issues import format_issue
from sheetscale_engine.config.validate import ConfigValidationError, load_config, validate_config


def _batch() -> int:
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        issues = validate_config(item["config"], limits=item.get("limits"))
        sys.stdout.write(json.dumps([format_issue(i) for i in issues], ensure_ascii=False) + "\n")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--jsonl"]:
        return _batch()
    if not argv or any(a.startswith("-") for a in argv):
        print(__doc__, file=sys.stderr)
        return 2
    failed = False
    for name in argv:
        try:
            load_config(Path(name))
            print(f"{name}: valid")
        except ConfigValidationError as err:
            failed = True
            for issue in err.issues:
                print(f"{name}: {format_issue(issue)}")
        except OSError as err:
            failed = True
            print(f"{name}: cannot read the file ({err.strerror})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
