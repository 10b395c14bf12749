"""Posted forms, read one way: every form route checks the form token first, and its fields
arrive as one pydantic model (`Annotated[Model, Form()]`) whose problems are listed by
field on the error page, in the words the scenario loader uses for a file's problems.

The token is checked before the role, so a forged or stale form is refused as such (403)
whoever sends it, and nothing in it is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import APIRouter, UploadFile
from pydantic import BaseModel, ConfigDict, Field, field_validator

from scheduler.solve.backends import SOLVERS
from scheduler.solve.settings import PATHS, SolverSettings
from web.db import Role
from web.security import Csrf

F = TypeVar("F", bound=Callable[..., Any])


def form_post(router: APIRouter, path: str, **route: Any) -> Callable[[F], F]:
    """`router.post` for a form: the token check every form needs, declared once."""
    return router.post(path, dependencies=[Csrf], **route)


def problem_lines(errors: Sequence[Any]) -> list[str]:
    """A form's validation errors as `field: problem` lines (the body's place dropped)."""
    lines = []
    for error in errors:
        place = [str(part) for part in error["loc"] if part != "body"]
        lines.append(f"{'.'.join(place) or 'form'}: {error['msg']}")
    return lines


class PostedForm(BaseModel):
    """Fields a page posts; the form token is read by the check, not here."""

    model_config = ConfigDict(extra="ignore")


class SolverFields(PostedForm):
    """The solver settings a plan or a study is run with: `carehome plan`'s options and
    ranges."""

    time_limit: float = Field(20.0, ge=0.1, le=3600)
    workers: int = Field(ge=1, le=64)
    seed: int = 0
    solver: str = Field("cp-sat", pattern="|".join(SOLVERS))
    relative_gap: float = Field(0.0, ge=0.0, le=1.0)
    path: str = Field("patterns", pattern="|".join(PATHS))
    lp_bound: bool = False

    def settings(self) -> SolverSettings:
        return SolverSettings(**self.model_dump(include=set(SolverFields.model_fields)))


class RunRequest(SolverFields):
    """A run as the version page sends it; with `previous_run`, a re-plan (`--previous`)
    from `first_open` (`--from`)."""

    previous_run: int | None = None
    first_open: dt.date | None = None

    @field_validator("previous_run", "first_open", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


class StudyUpload(SolverFields):
    """A what-if file, planned on the version whose page sends it."""

    file: UploadFile


class StudyForm(SolverFields):
    """The version page's what-if form: one entry per variant row in each list, a blank
    entry a shock not applied (`web.whatif_files.VariantRow`)."""

    name: list[str] = []
    outbreaks: list[str] = []
    bank_unavailable: list[str] = []
    site: list[str] = []
    site_scale: list[str] = []
    staff_sick: list[str] = []


class ValueForm(SolverFields):
    """The version page's value table: the resources ticked (none: every one), the step
    each grows and shrinks by, and the settings of each re-plan (`carehome value`'s)."""

    resources: list[str] = []
    step: int = Field(10, ge=1, le=10_000)


class Edit(PostedForm):
    run: str = ""
    """The run whose plan the edit was made on, offered for the re-plan (may be blank)."""


class WorkerPin(Edit):
    worker: str
    home: str
    date: dt.date
    shift: str = ""


class RequestPin(Edit):
    request_id: str
    facility: str
    admit: dt.date | None = None

    @field_validator("admit", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


class OutbreakReport(Edit):
    home: str
    status: str
    since: dt.date
    resident_cases: int = Field(0, ge=0)
    staff_cases: int = Field(0, ge=0)


class Credentials(PostedForm):
    name: str
    password: str


class FirstAdmin(Credentials):
    token: str = ""


class NewUser(Credentials):
    role: Role


class UserChange(PostedForm):
    role: Role
    active: bool = False


class Pick(PostedForm):
    name: str


class ScenarioUpload(PostedForm):
    file: UploadFile


class SheetsUpload(PostedForm):
    """`carehome import`'s files: the tables (or a zip of them), or the CQC directory with
    the authorities whose homes to take (one a line: CQC's names hold commas)."""

    files: list[UploadFile] = []
    cqc: UploadFile | None = None
    cqc_details: UploadFile | None = None
    local_authorities: str = ""
    all_england: bool = False

    @property
    def authorities(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in self.local_authorities.splitlines() if a.strip())
