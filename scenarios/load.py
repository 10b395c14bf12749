"""Reading scenario files (YAML or JSON) into a validated `Scenario`.

All problems are collected before failing, each as one line naming the file, the record and
the field, e.g. ``plymouth.yaml: homes[12] (h013).outbreak.since: date is after ...``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scenarios.checks import scenario_problems
from scenarios.limits import MAX_FILE_BYTES, MAX_NESTING, MAX_RECORDS, megabytes
from scenarios.schema import Scenario

# libyaml's safe loader and dumper when present: ~10x faster than pure Python on big files.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class ScenarioError(Exception):
    """Bad input; `lines` holds one readable line per problem."""

    def __init__(self, lines: list[str]) -> None:
        lines = [one_line(line) for line in lines]
        super().__init__("\n".join(lines))
        self.lines = lines


_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """A problem as one line: control characters and line breaks quoted from the input (a
    newline inside a spreadsheet cell, say) are shown escaped, `\\n`."""
    return _BREAKS.sub(lambda m: repr(m.group())[1:-1], text)


def read_bytes(path: Path) -> bytes:
    """A file's bytes, refused past `MAX_FILE_BYTES` without reading the rest."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(
            [f"{path.name}: larger than the limit of {megabytes(MAX_FILE_BYTES)}; not read"]
        )
    return data


def read_document(path: Path) -> Any:
    """Parse YAML (safe loader: no object construction) or JSON by the file's suffix,
    within the size, record and nesting limits of `scenarios.limits`."""
    try:
        text = read_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([f"{path.name}: is not UTF-8 text"]) from None
    # Flow nesting is measured before any parser sees the text (JSON is flow YAML).
    problem = _shape_problem((_flow_depth(text), 0, False))
    if problem:
        raise ScenarioError([f"{path.name}: {problem}"])
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
            problem = _shape_problem(_json_shape(data))
        else:
            problem = _shape_problem(_yaml_shape(text))
            data = None if problem else yaml.load(text, Loader=_SafeLoader)
    except (yaml.YAMLError, ValueError) as exc:  # JSONDecodeError is a ValueError
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ScenarioError([f"{path.name}: not valid {_kind(path)}{where}: {first}"]) from None
    except RecursionError:
        problem = f"nested deeper than the limit of {MAX_NESTING}"
    if problem:
        raise ScenarioError([f"{path.name}: {problem}"])
    return data


def _shape_problem(shape: tuple[int, int, bool]) -> str | None:
    depth, records, cycle = shape
    if cycle:
        return "a YAML alias refers to the list or mapping it is in (a cycle)"
    if depth > MAX_NESTING:
        return f"nested deeper than the limit of {MAX_NESTING}"
    if records > MAX_RECORDS:
        return f"more than the limit of {MAX_RECORDS:,} records (list items and fields)"
    return None


_FLOW_SIGNIFICANT = re.compile(r"[\[\]{}'\"#]")
_SINGLE_QUOTED = re.compile(r"'(?:[^']|'')*'")
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NODE_BEFORE = frozenset("\r\n,:-?")
"""The last non-blank characters after which a bracket or quote starts a node (a collection
or a quoted scalar); after anything else (`a[1]`, `St John's`, `see [1]`) it is part of a
plain scalar. An opening bracket that starts a node is a node-start for the next one."""


def _flow_depth(text: str) -> int:
    """Deepest nesting of flow collections (`[...]`, `{...}`), from the characters alone.

    The parser cannot be asked: its scanner reads a whole flow collection ahead before it
    yields the first event, and depending on the version it recurses, crashes or refuses
    deep input in its own words. This scan is linear, skips quoted scalars and comments,
    and stops as soon as the limit is passed; it may over-count brackets in odd plain
    scalars, never under-count a real collection's."""
    depth = deepest = at = 0
    last_opened = -1  # where the last bracket that opened a collection stands
    while deepest <= MAX_NESTING:
        found = _FLOW_SIGNIFICANT.search(text, at)
        if found is None:
            break
        at, char = found.end(), found.group()
        before = found.start() - 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        opens_token = before < 0 or text[before] in _NODE_BEFORE or before == last_opened
        if char in "[{":
            if opens_token:
                depth += 1
                deepest = max(deepest, depth)
                last_opened = found.start()
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "#":
            if opens_token:
                end = text.find("\n", at)
                at = len(text) if end < 0 else end
        elif opens_token:
            quoted = (_SINGLE_QUOTED if char == "'" else _DOUBLE_QUOTED).match(text, found.start())
            if quoted is None:  # unterminated: the parser names it
                break
            at = quoted.end()
    return deepest


def _yaml_shape(text: str) -> tuple[int, int, bool]:
    """Nesting depth, records (aliases expanded) and whether an alias makes a cycle, from
    the parser's events alone: linear in the text, never recursive, stops at a limit."""
    depth = records = 0
    # Per open collection: [anchor, records inside so far, is a mapping, nodes seen].
    stack: list[list[Any]] = []
    sizes: dict[str, int] = {}
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.NodeEvent) and stack:
            parent = stack[-1]
            parent[3] += 1
            if not parent[2] or parent[3] % 2 == 0:  # a list item or a field's value
                added = 1
                if isinstance(event, yaml.AliasEvent):
                    if any(frame[0] == event.anchor for frame in stack):
                        return len(stack), records, True
                    added += sizes.get(str(event.anchor), 0)
                records += added
                for frame in stack:
                    frame[1] += added
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 0, isinstance(event, yaml.MappingStartEvent), 0])
            depth = max(depth, len(stack))
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, inside, _, _ = stack.pop()
            if anchor is not None:
                sizes[anchor] = inside
        if depth > MAX_NESTING or records > MAX_RECORDS:
            break
    return depth, records, False


def _json_shape(data: Any) -> tuple[int, int, bool]:
    """Nesting depth and records of a parsed JSON document, without recursion."""
    depth = records = 0
    todo: list[tuple[Any, int]] = [(data, 0)]
    while todo and depth <= MAX_NESTING and records <= MAX_RECORDS:
        node, level = todo.pop()
        children = node.values() if isinstance(node, dict) else node
        if isinstance(node, dict | list):
            depth = max(depth, level + 1)
            records += len(node)
            todo.extend((child, level + 1) for child in children)
    return depth, records, False


def _kind(path: Path) -> str:
    return "JSON" if path.suffix.lower() == ".json" else "YAML"


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    return parse_scenario(read_document(path), source=path.name)


def parse_scenario(data: Any, source: str = "scenario") -> Scenario:
    """Validate a parsed document; raise `ScenarioError` listing every problem."""
    if not isinstance(data, dict):
        raise ScenarioError([f"{source}: the top level must be a mapping of sections"])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            [f"{source}: {_loc(data, err['loc'])}: {_message(err)}" for err in exc.errors()]
        ) from None
    problems = scenario_problems(scenario)
    if problems:
        raise ScenarioError([p.format(source) for p in problems])
    return scenario


def _message(err: Any) -> str:
    msg = str(err["msg"])
    if err["type"] == "extra_forbidden":
        return "unknown field (check its spelling)"
    if err["type"] == "missing":
        return "required field is missing"
    return msg[0].lower() + msg[1:] if msg else msg


def _loc(data: Any, loc: tuple[Any, ...]) -> str:
    """`('homes', 12, 'outbreak')` -> `homes[12] (h013).outbreak`, naming records by id."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            child = node[key] if isinstance(node, list) and key < len(node) else None
            rid = child.get("id") if isinstance(child, dict) else None
            if isinstance(rid, str) and _LABEL.fullmatch(rid):
                label += f" ({rid})"
            parts.append(label)
            node = child
        else:
            # Pydantic names union branches ('int', 'list[int]'); they are not file keys.
            if not isinstance(node, dict):
                continue
            parts.append(("." if parts else "") + str(key))
            node = node.get(key)
    return "".join(parts) or "(top level)"


_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
"""An id that names its record in a problem; any other (`a) b: c`, 3 KB of text) is left
out, since it would garble the line."""


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML, with aliases (`from`) and without defaults-only noise."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return yaml.dump(data, Dumper=_SafeDumper, sort_keys=False, allow_unicode=True, width=100)
