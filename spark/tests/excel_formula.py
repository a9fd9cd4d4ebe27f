"""Test helper: a small Excel formula parser → config Expr dicts, so tests read like Excel.

Columns are written [Name]; "" strings with "" escapes; #N/A-style errors; TRUE/FALSE; an empty
argument is a blank literal. Precedence as Excel: - (negation) > % > ^ > * / > + - > & > comparisons.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|
    (?P<str>"(?:[^"]|"")*")|
    (?P<col>\[[^\]]+\])|
    (?P<err>\#NULL!|\#DIV/0!|\#VALUE!|\#REF!|\#NAME\?|\#NUM!|\#N/A)|
    (?P<name>[A-Za-z_][A-Za-z0-9_.]*)|
    (?P<op><>|<=|>=|[-+*/^&=<>%(),])
    )""",
    re.VERBOSE,
)

Expr = dict[str, Any]


def tokenize(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"cannot parse at {text[pos:]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.t = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self) -> tuple[str, str]:
        tok = self.t[self.i]
        self.i += 1
        return tok

    def is_op(self, *ops: str) -> bool:
        p = self.peek()
        return p is not None and p[0] == "op" and p[1] in ops

    def binary(self, level: int) -> Expr:
        levels = [("=", "<>", "<", ">", "<=", ">="), ("&",), ("+", "-"), ("*", "/"), ("^",)]
        if level == len(levels):
            return self.postfix()
        left = self.binary(level + 1)
        while self.is_op(*levels[level]):
            op = self.take()[1]
            right = self.binary(level + 1)
            left = {"kind": "binary", "op": op, "left": left, "right": right}
        return left

    def postfix(self) -> Expr:
        e = self.prefix()
        while self.is_op("%"):
            self.take()
            e = {"kind": "unary", "op": "%", "arg": e}
        return e

    def prefix(self) -> Expr:
        if self.is_op("-", "+"):
            op = self.take()[1]
            return {"kind": "unary", "op": op, "arg": self.prefix()}
        return self.atom()

    def atom(self) -> Expr:
        kind, value = self.take()
        if kind == "num":
            return {"kind": "number", "value": float(value)}
        if kind == "str":
            return {"kind": "text", "value": value[1:-1].replace('""', '"')}
        if kind == "col":
            return {"kind": "column", "name": value[1:-1]}
        if kind == "err":
            return {"kind": "error", "value": value}
        if kind == "name":
            if value.upper() in ("TRUE", "FALSE") and not self.is_op("("):
                return {"kind": "logical", "value": value.upper() == "TRUE"}
            self.take()  # (
            args: list[Expr] = []
            if self.is_op(")"):
                self.take()
                return {"kind": "call", "name": value.upper(), "args": args}
            while True:
                if self.is_op(",", ")"):
                    args.append({"kind": "blank"})
                else:
                    args.append(self.binary(0))
                sep = self.take()[1]
                if sep == ")":
                    break
            return {"kind": "call", "name": value.upper(), "args": args}
        if kind == "op" and value == "(":
            e = self.binary(0)
            self.take()
            return e
        raise ValueError(f"unexpected {value!r}")


def parse(formula: str) -> Expr:
    text = formula[1:] if formula.startswith("=") else formula
    p = _Parser(tokenize(text))
    e = p.binary(0)
    if p.peek() is not None:
        raise ValueError(f"trailing input in {formula!r}")
    return e
