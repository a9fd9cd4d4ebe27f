"""How values and suggestions are worded in config messages; mirrors src/config/words.ts."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable


def js_number(value: float) -> str:
    """A number as JavaScript's ``String(n)`` prints it (so both validators word numbers alike)."""
    if isinstance(value, int):
        if abs(value) <= 2**53:
            return str(value)
        value = float(value)  # JavaScript holds every number as a double
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    exponent = (int(exp_text) if exp_text else 0) - len(frac)
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    digits = stripped
    k = len(digits)
    n = exponent + k  # value = 0.digits * 10**n, as in ECMAScript's Number::toString
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exp_part = f"e{'+' if e >= 0 else '-'}{abs(e)}"
    if k == 1:
        return sign + digits + exp_part
    return sign + digits[0] + "." + digits[1:] + exp_part


def quote(text: str) -> str:
    """A string as JSON.stringify writes it."""
    return json.dumps(text, ensure_ascii=False)


def describe_value(value: object) -> str:
    """A JSON value as a message shows it: strings quoted (long ones cut), numbers as JS prints them."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number(value)
    if isinstance(value, str):
        return quote(value[:40] + "..." if len(value) > 40 else value)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return str(value)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance over Unicode code points."""
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost))
        prev = cur
    return prev[len(b)]


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``name`` (case-insensitively) if likely a typo: at most one edit per
    three characters (at least one). Ties go to the earlier candidate."""
    target = name.lower()
    allowed = max(1, (len(name) + 2) // 3)
    best: str | None = None
    best_distance = math.inf
    for candidate in candidates:
        if candidate == name:
            continue
        d = edit_distance(target, candidate.lower())
        if d < best_distance:
            best, best_distance = candidate, d
    return best if best_distance <= allowed else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean "x"?)`` or nothing."""
    guess = closest(name, candidates)
    return "" if guess is None else f" (did you mean {quote(guess)}?)"


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
