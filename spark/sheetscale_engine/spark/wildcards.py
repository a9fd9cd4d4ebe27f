"""Excel wildcards (``*`` any characters, ``?`` one character, ``~`` escapes the next one) → Java
regular expressions, both for a pattern known when compiling and for one known only per row."""

from __future__ import annotations

import re

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

# Characters from Unicode's private use area stand in for escaped wildcards while the rest of the
# pattern is quoted; Excel text does not contain them in practice.
_TILDE, _STAR, _QMARK = "\ue000", "\ue001", "\ue002"


def has_wildcards(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?~")


def wildcard_regex_literal(pattern: str, *, anchored: bool = True) -> str:
    """A literal Excel wildcard pattern → a case-insensitive Java regex."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern) and pattern[i + 1] in "*?~":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(_java_quote_char(ch))
        i += 1
    body = "".join(out)
    return f"(?is)^{body}$" if anchored else f"(?is){body}"


def _java_quote_char(ch: str) -> str:
    return "\\" + ch if ch in r"\^$.|+()[]{}*?" else ch


def wildcard_regex(pattern: Column, *, anchored: bool = True) -> Column:
    """A per-row Excel wildcard pattern → a case-insensitive Java regex (Spark string column)."""
    p = F.regexp_replace(pattern, "~~", _TILDE)
    p = F.regexp_replace(p, r"~\*", _STAR)
    p = F.regexp_replace(p, r"~\?", _QMARK)
    # Quote every regex metacharacter except the wildcards themselves.
    p = F.regexp_replace(p, r"([\\^$.|+()\[\]{}])", r"\\$1")
    p = F.regexp_replace(p, r"\*", ".*")
    p = F.regexp_replace(p, r"\?", ".")
    p = F.regexp_replace(p, _TILDE, "~")
    p = F.regexp_replace(p, _STAR, r"\\*")
    p = F.regexp_replace(p, _QMARK, r"\\?")
    if anchored:
        return F.concat(F.lit("(?is)^"), p, F.lit("$"))
    return F.concat(F.lit("(?is)"), p)
