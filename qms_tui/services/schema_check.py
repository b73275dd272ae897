"""A small JSON Schema validator: the keywords the export schema uses, no dependency.

Supports type, const, enum, required, properties, additionalProperties (false), items,
$ref (local, ``#/$defs/…``), minimum, maxLength and pattern; annotations (title, format,
contentEncoding …) are ignored. The schema is compiled to closures once per call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def validate(doc: Any, schema: dict[str, Any], limit: int = 50) -> list[str]:
    """Problems of ``doc`` against ``schema`` ("/tables/person/3/name: …"), at most ``limit``.

    Supports what the export schema uses: type, const, enum, required, properties,
    additionalProperties (false), items, $ref (local), minimum, maxLength, pattern."""
    errors: list[str] = []
    check = _compile(schema, schema, {})

    class _Enough(Exception):
        pass

    def report(where: str, message: str) -> None:
        errors.append(f"{where or '/'}: {message}")
        if len(errors) >= limit:
            raise _Enough

    try:
        check(doc, "", report)
    except _Enough:
        pass
    return errors


Check = Callable[[Any, str, Callable[[str, str], None]], None]


def _compile(node: dict[str, Any], root: dict[str, Any], cache: dict[str, Check]) -> Check:
    if "$ref" in node:
        ref = node["$ref"]
        if ref not in cache:
            cache[ref] = lambda v, w, r: None  # placeholder for recursion
            target: Any = root
            for part in ref.lstrip("#/").split("/"):
                target = target[part]
            cache[ref] = _compile(target, root, cache)
        return lambda v, w, r: cache[ref](v, w, r)
    checks: list[Check] = []
    if "type" in node:
        names = node["type"] if isinstance(node["type"], list) else [node["type"]]
        tests = [_TYPES[n] for n in names]
        label = " or ".join(names)

        def typed(v: Any, w: str, r: Callable[[str, str], None]) -> None:
            if not any(t(v) for t in tests):
                r(w, f"must be {label}")
        checks.append(typed)
    if "const" in node:
        const = node["const"]
        checks.append(lambda v, w, r: None if v == const and type(v) is type(const) else r(w, f"must be {const!r}"))
    if "enum" in node:
        options = node["enum"]
        checks.append(lambda v, w, r: None if v in options else r(w, f"must be one of {options!r}"))
    if "maxLength" in node:
        most = node["maxLength"]
        checks.append(lambda v, w, r: r(w, f"longer than {most} characters") if isinstance(v, str) and len(v) > most else None)
    if "pattern" in node:
        rx = re.compile(node["pattern"])
        checks.append(lambda v, w, r: r(w, "has the wrong form") if isinstance(v, str) and not rx.search(v) else None)
    if "minimum" in node:
        low = node["minimum"]
        checks.append(lambda v, w, r: r(w, f"must be at least {low}")
                      if isinstance(v, int | float) and not isinstance(v, bool) and v < low else None)
    if "required" in node or "properties" in node or "additionalProperties" in node:
        required = list(node.get("required", ()))
        props = {k: _compile(s, root, cache) for k, s in node.get("properties", {}).items()}
        closed = node.get("additionalProperties", True) is False

        def obj(v: Any, w: str, r: Callable[[str, str], None]) -> None:
            if not isinstance(v, dict):
                return
            for k in required:
                if k not in v:
                    r(w, f"{k} is missing")
            for k, item in v.items():
                sub = props.get(k)
                if sub is not None:
                    sub(item, f"{w}/{k}", r)
                elif closed:
                    r(f"{w}/{k}", "is not allowed here")
        checks.append(obj)
    if "items" in node:
        each = _compile(node["items"], root, cache)

        def arr(v: Any, w: str, r: Callable[[str, str], None]) -> None:
            if isinstance(v, list):
                for i, item in enumerate(v):
                    each(item, f"{w}/{i}", r)
        checks.append(arr)

    def run(v: Any, w: str, r: Callable[[str, str], None]) -> None:
        for c in checks:
            c(v, w, r)
    return run
