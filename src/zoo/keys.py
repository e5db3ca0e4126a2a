"""Renaming a foreign checkpoint's keys onto the zoo's: rules as data, applied by one function.

A family's converter is usually a list of ``(pattern, replacement)`` rules (``re.sub`` semantics: the
replacement may use groups or be a function of the match), applied to every key in order, and now and
then a reshape of some values (``(pattern, function)``). Leaf module: imports nothing of the zoo.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, Sequence

__all__ = ["rename_keys"]

Rule = tuple[str, "str | Callable[[re.Match], str]"]


def rename_keys(state_dict: Mapping[str, Any], rules: Sequence[Rule], *,
                values: Sequence[tuple[str, Callable[[Any], Any]]] = ()) -> dict[str, Any]:
    """A new dict: each key passed through every rule in order; each value whose *new* key matches a
    ``values`` pattern (``re.search``) passed through its function."""
    compiled = [(re.compile(p), r) for p, r in rules]
    reshapes = [(re.compile(p), fn) for p, fn in values]
    out = {}
    for key, value in state_dict.items():
        for pattern, replacement in compiled:
            key = pattern.sub(replacement, key)
        for pattern, fn in reshapes:
            if pattern.search(key):
                value = fn(value)
        out[key] = value
    return out
