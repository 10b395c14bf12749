"""Reading scenario files (YAML or JSON) into a validated `Scenario`.

All problems are collected before failing, each as one line naming the file, the record and
the field, e.g. ``plymouth.yaml: homes[12] (h013).outbreak.since: date is after ...``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scenarios.checks import scenario_problems
from scenarios.schema import Scenario

# libyaml's safe loader and dumper when present: ~10x faster than pure Python on big files.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class ScenarioError(Exception):
    """Bad input; `lines` holds one readable line per problem."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def read_document(path: Path) -> Any:
    """Parse YAML (safe loader: no object construction) or JSON by the file's suffix."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise ScenarioError([f"{path}: is not UTF-8 text"]) from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_SafeLoader)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ScenarioError([f"{path.name}: not valid {_kind(path)}{where}: {first}"]) from None


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
            if isinstance(child, dict) and isinstance(child.get("id"), str):
                label += f" ({child['id']})"
            parts.append(label)
            node = child
        else:
            # Pydantic names union branches ('int', 'list[int]'); they are not file keys.
            if not isinstance(node, dict):
                continue
            parts.append(("." if parts else "") + str(key))
            node = node.get(key)
    return "".join(parts) or "(top level)"


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML, with aliases (`from`) and without defaults-only noise."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return yaml.dump(data, Dumper=_SafeDumper, sort_keys=False, allow_unicode=True, width=100)
