"""Where each value of an imported scenario came from: the cell behind every path of the
assembled document, so that the parser's problems are told by file, row and column.

Apart from the importer because it holds no table's layout: it only maps the parser's
paths back to the cells the importer recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scenarios.cells import Cell, Problems
from scenarios.load import ScenarioError, parse_scenario
from scenarios.schema import Scenario
from scenarios.sheets import Record


@dataclass
class Origins:
    """The cell behind each path of the assembled document, to name it in a problem."""

    cells: dict[str, Cell] = field(default_factory=dict)
    reported: set[Cell] = field(default_factory=set)

    def place(self, path: str, record: Record) -> None:
        """A record's cells; a row with a bad cell has its row-wide problems (which follow
        from the value missing) left out, as the cell's own problem names the cause."""
        self.cells[path] = record.cell
        if any(record.errors.values()):
            self.reported.add(record.cell)
        for key, cell in record.cells.items():
            self.cells[f"{path}.{key}"] = cell
            if key in record.errors:
                self.reported.add(cell)

    def locate(self, path: str) -> Cell | None:
        """The cell of `path` or, failing that, of its nearest recorded parent."""
        while path:
            if path in self.cells:
                return self.cells[path]
            parent = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path)
            if parent == path:  # no parent to strip (a path that is not ours): give up
                return None
            path = parent
        return None


_SOURCE = "<import>"


def validate_traced(
    doc: dict[str, Any], origins: Origins, base: str, problems: Problems
) -> Scenario:
    """The assembled document through the ordinary parser; its problems named by cell, or
    by the base file."""
    try:
        scenario = parse_scenario(doc, source=_SOURCE)
    except ScenarioError as exc:
        for line in exc.lines:
            path, _, message = line.removeprefix(f"{_SOURCE}: ").partition(": ")
            plain = re.sub(r" \([^)]*\)", "", path)
            cell = origins.locate(plain)
            if cell is None:
                problems.add(f"{base}: {path}: {message}")
            elif cell in origins.reported:
                continue  # its cell's own problem is already listed
            elif cell.column and plain in origins.cells:
                blank = message == "required field is missing"
                problems.add(f"{cell}: {'is blank' if blank else message}")
            else:
                problems.add(f"{cell}: {path.split('.', 1)[-1]}: {message}")
        problems.raise_if_any()
        raise
    problems.raise_if_any()
    return scenario
