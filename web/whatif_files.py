"""What-if studies in the app: a what-if file uploaded on a stored version's page, or the
version page's form of common shocks, read into `carehome whatif`'s own `Study`.

The version is the study's base: the file's `base:` names a file on the planner's disk,
which the app never reads, so it is ignored. Everything else is read as the command line
reads it (`scenarios.whatif`): the same limits, shocks, draws and problem lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from scenarios.load import read_document
from scenarios.schema import Scenario
from scenarios.whatif import Study, build_study, parse_whatif
from scheduler.analysis.compare import check_kpi
from web.scenario_files import uploaded

FORM_FILE = "whatif.yaml"
"""The name a study made with the form is stored (and its problems are named) under."""


def read_study(filename: str, data: bytes, base: Scenario, base_name: str) -> Study:
    """The study an uploaded what-if file asks for, on `base` (the version, named
    `base_name`), every run validated; `ScenarioError` lines name the file and field."""
    with uploaded(filename, data) as path:
        document = read_document(path)
        name = path.name
    if isinstance(document, dict):
        document = {**document, "base": base_name}
    study = build_study(parse_whatif(document, name), base, name)
    check_kpi(study, name)
    return study


@dataclass(frozen=True)
class VariantRow:
    """One named variant of the form: each blank field is a shock not applied."""

    name: str
    outbreaks: str = ""
    bank_unavailable: str = ""
    site: str = ""
    site_scale: str = ""
    staff_sick: str = ""

    @property
    def blank(self) -> bool:
        """Nothing typed (the site is a choice, always sent)."""
        typed = (self.name, self.outbreaks, self.bank_unavailable, self.site_scale, self.staff_sick)
        return not any(v.strip() for v in typed)

    def shocks(self) -> list[dict[str, Any]]:
        """The common shocks, as a what-if file writes them (values as typed: the what-if
        schema reads and checks them, naming the field)."""
        shocks: list[dict[str, Any]] = []
        if self.outbreaks.strip():
            shocks.append({"kind": "outbreak_surge", "count": self.outbreaks, "by_risk": True})
        if self.bank_unavailable.strip():
            shocks.append({"kind": "bank_unavailable", "fraction": self.bank_unavailable})
        if self.site_scale.strip():
            shocks.append({"kind": "site_capacity", "site": self.site, "scale": self.site_scale})
        if self.staff_sick.strip():
            shocks.append({"kind": "staff_sick", "fraction": self.staff_sick})
        return shocks


def form_study(
    rows: list[VariantRow], seed: int, base: Scenario, base_name: str
) -> tuple[Study, str]:
    """The study the form's rows make (blank rows left out), read as an uploaded file
    would be, and the what-if file to store for it, each value as the schema read it."""
    document = {
        "base": base_name,
        "seed": seed,
        "variants": [{"name": r.name.strip(), "shocks": r.shocks()} for r in rows if not r.blank],
    }
    study = read_study(FORM_FILE, yaml.safe_dump(document).encode(), base, base_name)
    read = study.whatif.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return study, yaml.safe_dump(read, sort_keys=False)
