"""What-if files: a base scenario, named variants and a parameter sweep, all as scenarios.

A variant is a list of shocks applied to the base in order; a sweep varies one or two shock
fields over a grid of values, optionally repeated over several seeds for the shocks drawn at
random. After its shocks every run is an ordinary, fully validated scenario, so anything
that plans a scenario plans a run.

Random draws are reproducible wherever a run is planned: a variant draws from a generator
seeded by the file's seed and its name; a sweep cell draws from one seeded by the file's
seed and its seed index only, so every cell of the grid sees the same sick workers and the
same new outbreaks for a given seed (common random numbers) and cells differ only by the
swept values.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    Field,
    PositiveFloat,
    PositiveInt,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from scenarios.load import ScenarioError, load_scenario, read_document
from scenarios.schema import Scenario, Strict
from scenarios.shocks import Shock, apply_shocks

RunName = Annotated[
    str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.\-]*$")
]
AxisName = Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]


class Variant(Strict):
    name: RunName
    shocks: list[Shock] = Field(default_factory=list)


class Grid(Strict):
    """Values `from`, `from + step`, ... up to and including `to`."""

    from_: float = Field(alias="from")
    to: float
    step: PositiveFloat

    def values(self) -> list[float]:
        count = int((self.to - self.from_) / self.step + 1e-9) + 1
        return [round(self.from_ + i * self.step, 9) for i in range(max(0, count))]


class Axis(Strict):
    """One swept parameter: `field` of the `shock` template takes each of `values` in turn.
    A dotted `field` reaches inside a nested one (`changes.retest_days.staff`)."""

    name: AxisName
    shock: dict[str, Any]
    field: str = Field(min_length=1)
    values: Annotated[list[float], Field(min_length=1)] | Grid

    def points(self) -> list[float]:
        values = self.values.values() if isinstance(self.values, Grid) else self.values
        return [int(v) if float(v).is_integer() else v for v in values]

    def shock_at(self, value: float) -> dict[str, Any]:
        """The shock template with `field` set to `value`."""
        shock = copy.deepcopy(self.shock)
        *parents, last = self.field.split(".")
        node = shock
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"field {self.field!r}: {part!r} is not a section")
        node[last] = value
        return shock


class Sweep(Strict):
    """A grid over one or two axes, each cell planned once per seed in `seeds`; `shocks`
    apply in every cell after the axes' own. `kpi` is the one shown in the heatmap."""

    axes: list[Axis] = Field(min_length=1, max_length=2)
    seeds: PositiveInt = 1
    shocks: list[Shock] = Field(default_factory=list)
    kpi: str = "risk_weighted_coverage_pct"

    @model_validator(mode="after")
    def _distinct_axes(self) -> Sweep:
        if len({a.name for a in self.axes}) < len(self.axes):
            raise ValueError("axis names repeat")
        return self


class WhatIf(Strict):
    base: str = Field(description="The base scenario's path, relative to the what-if file.")
    seed: int = 0
    variants: list[Variant] = Field(default_factory=list)
    sweep: Sweep | None = None

    @model_validator(mode="after")
    def _something_to_run(self) -> WhatIf:
        if not self.variants and self.sweep is None:
            raise ValueError("give variants, a sweep or both")
        names = [v.name for v in self.variants]
        duplicates = sorted({n for n in names if names.count(n) > 1 or n == "base"})
        if duplicates:
            raise ValueError(f"variant names repeat or are reserved: {', '.join(duplicates)}")
        return self


@dataclass(frozen=True)
class Cell:
    """Where a sweep run sits: its grid cell's label and axis values (in axis order), and
    its seed index (1-based)."""

    label: str
    values: tuple[float, ...]
    seed: int


@dataclass
class Study:
    """Everything a what-if file asks to plan, in order: the base, each variant, each sweep
    run. `cells` says which runs are sweep runs and where they sit in the grid."""

    whatif: WhatIf
    base: Scenario
    variants: dict[str, Scenario]
    sweep_runs: dict[str, Scenario]
    cells: dict[str, Cell]

    @property
    def runs(self) -> dict[str, Scenario]:
        return {"base": self.base, **self.variants, **self.sweep_runs}

    @property
    def axes(self) -> list[str]:
        return [a.name for a in self.whatif.sweep.axes] if self.whatif.sweep else []


def seeded_rng(seed: int, label: str) -> random.Random:
    """A generator that depends only on `seed` and `label`, in any process."""
    digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def apply_variant(base: Scenario, variant: Variant, seed: int, source: str) -> Scenario:
    """The base with the variant's shocks applied in order, validated after each."""
    return apply_shocks(
        base,
        variant.shocks,
        seeded_rng(seed, variant.name),
        f"{base.name}: {variant.name}",
        f"{source}: variants[{variant.name}]",
    )


_SHOCK = TypeAdapter(Shock)


def sweep_runs(
    base: Scenario, sweep: Sweep, seed: int, source: str
) -> tuple[dict[str, Scenario], dict[str, Cell]]:
    """Every cell of the grid, once per seed: named by its values, with its shocks applied."""
    scenarios: dict[str, Scenario] = {}
    cells: dict[str, Cell] = {}
    axis_shocks = [
        [_axis_shock(axis, i, v, source) for v in axis.points()]
        for i, axis in enumerate(sweep.axes)
    ]
    for combo in itertools.product(*(range(len(a.points())) for a in sweep.axes)):
        values = tuple(axis.points()[n] for axis, n in zip(sweep.axes, combo, strict=True))
        label = " x ".join(f"{a.name} {_show(v)}" for a, v in zip(sweep.axes, values, strict=True))
        shocks = [axis_shocks[i][n] for i, n in enumerate(combo)] + sweep.shocks
        for k in range(1, sweep.seeds + 1):
            name = f"{label} seed {k}" if sweep.seeds > 1 else label
            scenarios[name] = apply_shocks(
                base,
                shocks,
                seeded_rng(seed, f"sweep seed {k}"),
                f"{base.name}: {name}",
                f"{source}: sweep[{name}]",
            )
            cells[name] = Cell(label, values, k)
    return scenarios, cells


def _axis_shock(axis: Axis, index: int, value: float, source: str) -> Shock:
    where = f"{source}: sweep.axes[{index}] ({axis.name}) at {_show(value)}"
    try:
        return _SHOCK.validate_python(axis.shock_at(value))
    except ValueError as exc:
        lines = (
            [f"{where}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
            if isinstance(exc, ValidationError)
            else [f"{where}: {exc}"]
        )
        raise ScenarioError(lines) from None


def _show(value: float) -> str:
    return f"{value:g}"


def load_whatif(path: str | Path) -> Study:
    """The what-if file, its base scenario and every run, all validated; every problem
    raises `ScenarioError` naming the file and the path inside it."""
    path = Path(path)
    whatif = parse_whatif(read_document(path), path.name)
    return build_study(whatif, load_scenario(path.parent / whatif.base), path.name)


def parse_whatif(document: Any, source: str) -> WhatIf:
    """A what-if document read from `source` (a file's name), validated; its base is not
    read here, so a caller that holds the base already (the web app's stored version)
    builds the study from it."""
    try:
        return WhatIf.model_validate(document)
    except ValidationError as exc:
        raise ScenarioError(
            [
                f"{source}: {'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}"
                for e in exc.errors()
            ]
        ) from None


def build_study(whatif: WhatIf, base: Scenario, source: str) -> Study:
    """Every run of `whatif` on `base`, its shocks applied and validated."""
    variants = {v.name: apply_variant(base, v, whatif.seed, source) for v in whatif.variants}
    runs: dict[str, Scenario] = {}
    cells: dict[str, Cell] = {}
    if whatif.sweep is not None:
        runs, cells = sweep_runs(base, whatif.sweep, whatif.seed, source)
        clash = sorted(set(runs) & set(variants))
        if clash:
            raise ScenarioError([f"{source}: variant names clash with sweep cells: {clash}"])
    return Study(whatif, base, variants, runs, cells)
