"""Why a need went unmet: the hard rules that are tight against it in the solved plan.

A cause is read off the plan, not guessed: for each way the need could have been met a
little more (one more swab of the cohort at a site on a day, one candidate worker on the
shift, the request admitted to a facility on a day), `Tightness.blocking` applies that
move to the plan's values (with the variables it implies: the shortfall drops, the worker
becomes placed and worked) and names the hard rules it would break, i.e. the constraints
with no slack in that direction. Rules kept by construction (a site that does not take
the cohort, a worker without the role, outside their availability or inside the
quarantine window) have no constraint and are named from the scenario. A need with some
move that breaks nothing was left open by the search, not by a rule: family "solver".
"""

from constraints.build import BuiltModel
from scenarios.schema import IsolationRequest, Role, Shift
from scenarios.windows import CoverWindow
from scheduler.extract.cause_rules import Cause, Tightness
from scheduler.extract.causes_isolation import IsolationCauses
from scheduler.extract.causes_ppe import PpeCauses
from scheduler.extract.causes_staffing import STAFF_RULES, StaffingCauses
from scheduler.extract.causes_testing import TestingCauses

__all__ = ["STAFF_RULES", "Cause", "CauseFinder", "UnexplainedCauses"]


class CauseFinder:
    """The families' cause finders over one reading of the plan's tight rules."""

    def __init__(self, built: BuiltModel, values: list[int]) -> None:
        tight = Tightness(built, values)
        self.testing = TestingCauses(built, values, tight)
        self.staffing = StaffingCauses(built, values, tight)
        self.isolation = IsolationCauses(built, values, tight, self.testing)
        self.ppe: PpeCauses | None = PpeCauses(built, values, tight)

    def untested(self, w: CoverWindow) -> Cause:
        return self.testing.untested(w)

    def uncovered(self, home_id: str, d: int, shift: Shift, role: Role) -> Cause:
        return self.staffing.uncovered(home_id, d, shift, role)

    def unplaced(self, req: IsolationRequest, admit_day: int | None = None) -> Cause:
        """Why `req` is unplaced (or, with `admit_day`, why it waited until then)."""
        return self.isolation.unplaced(req, admit_day)


class UnexplainedCauses:
    """Stands in for `CauseFinder` where nobody reads the causes (plans made inside a
    simulation), whose search for each unmet need's binding rule is most of extraction."""

    _NONE = Cause("", "", "cause not computed")
    ppe: PpeCauses | None = None

    def untested(self, w: CoverWindow) -> Cause:
        return self._NONE

    def uncovered(self, home_id: str, d: int, shift: Shift, role: Role) -> Cause:
        return self._NONE

    def unplaced(self, req: IsolationRequest, admit_day: int | None = None) -> Cause:
        return self._NONE
