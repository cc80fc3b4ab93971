"""Terminal output: colour only on a terminal and never with NO_COLOR; plural words."""
from __future__ import annotations

import os
import re
import sys
from typing import TextIO

# C0/C1 control characters other than tab and newline: journal text printed raw could
# otherwise move the cursor, retitle the terminal or worse (ESC sequences)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34", "cyan": "36"}


class Console:
    def __init__(self, out: TextIO | None = None, err: TextIO | None = None, color: bool | None = None):
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        if color is None:
            color = bool(getattr(self.out, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ \
                and os.environ.get("TERM") != "dumb"
        self.color = color

    def style(self, text: str, *styles: str) -> str:
        text = _CONTROL.sub("", text)
        if not self.color or not styles:
            return text
        return "\033[" + ";".join(_CODES[s] for s in styles) + "m" + text + "\033[0m"

    def print(self, text: str = "") -> None:
        print(_clean(text), file=self.out)

    def eprint(self, text: str = "") -> None:
        print(_clean(text), file=self.err)

    def error_lines(self, diags, to_err: bool = True, limit: int | None = None) -> int:
        """Print diagnostics as `FILE:LINE:COL: error: message`, the one form every command uses;
        how many were left out by `limit`."""
        show = self.eprint if to_err else self.print
        # colour follows the stream written to: `reflect build 2>log` gets no escape codes in the log
        plain = to_err and not self.interactive
        style = (lambda text, *_: self.style(text)) if plain else self.style
        for d in list(diags)[:limit]:
            show(f"{style(str(d.source), 'bold')}: {style('error', 'red', 'bold')}: {d.message}")
        return max(0, len(diags) - limit) if limit is not None else 0

    @property
    def interactive(self) -> bool:
        return bool(getattr(self.err, "isatty", lambda: False)())


_OUR_STYLE = re.compile("\033\\[[0-9;]*m")


def _clean(text: str) -> str:
    """Drop control characters, but keep the colour codes `style` added."""
    parts = _OUR_STYLE.split(text)
    codes = _OUR_STYLE.findall(text)
    out = [_CONTROL.sub("", parts[0])]
    for code, part in zip(codes, parts[1:]):
        out += [code, _CONTROL.sub("", part)]
    return "".join(out)


def fmt_weight(value) -> str:
    """3.0 -> '3', 2.5 -> '2.5', 1.333 -> '1.3': a weight (or any count) as people read it."""
    if value.__class__ is int:
        return str(value)
    try:
        v = round(float(value), 1)
    except (TypeError, ValueError):
        return str(value)
    s = f"{v:.1f}"
    s = s[:-2] if s.endswith(".0") else s
    return "0" if s == "-0" else s


def listed(names) -> str:
    """'a', 'a and b', 'a, b and c'."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def plural(n, word: str, many: str | None = None) -> str:
    """plural(3, "give") -> '3 gives'; plural(1, "person", "people") -> '1 person'."""
    return f"{fmt_weight(n)} {word if n == 1 else (many or word + 's')}"
