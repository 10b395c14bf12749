"""The first wave of 2020 in one authority's care homes: what was observed, and the city it
happened in, for `carehome firstwave` and `carehome calibrate`.

Observed (`observed`): the authority's weekly new care-home outbreaks (PHE, weeks of
2020-03-09 to 2020-07-13) and its weekly excess deaths notified from care homes (CQC/ONS
all-cause notifications minus a baseline: the mean week of `BASELINE_WEEKS`, late summer,
after the wave). Coded COVID-19 deaths are not fitted: in April they undercount.

The city (`first_wave`): synthetic homes of the authority's `care_homes` count
(`scenarios.generate`, no outbreak at the start), test capacity that grew in steps, a staff
bank built over April and May, hospital admissions, and the community's force of infection
as a daily series shaped like England's weekly new outbreaks per home (`england_curve`),
moved `lead_days` earlier because an outbreak is reported about a week after it is seeded.
Every assumption is a field of `WaveAssumptions`, with its reason.
"""

from __future__ import annotations

import datetime as dt
import difflib
from functools import cache
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import Field

from scenarios.generate import generate
from scenarios.load import ScenarioError
from scenarios.schema import HomeType, Simulation, Strict

DATA = Path(__file__).parent / "data"
OUTBREAKS_FILE = DATA / "care-home-outbreaks-2020.csv"
DEATHS_FILE = DATA / "care-home-deaths-weekly-2020.csv"

WAVE_START = dt.date(2020, 3, 9)
WAVE_WEEKS = 19
"""9 March to 19 July 2020: every week of the outbreak publication."""
BASELINE_WEEKS = (dt.date(2020, 7, 20), dt.date(2020, 8, 31))
"""First and last week whose mean all-cause deaths is the baseline: late summer, when
coded COVID-19 deaths in care homes were a few a week in all England."""


class WaveHome(Strict):
    """A home as the fast simulation needs it."""

    id: str
    type: HomeType
    beds: int
    residents: int
    staff: int
    can_isolate: int


class TestStep(Strict):
    """Test capacity from `start` on, per 100 beds a day."""

    start: dt.date
    per_100_beds: Annotated[float, Field(ge=0.0)]


def _test_steps() -> list[TestStep]:
    return [
        TestStep(start=WAVE_START, per_100_beds=0.5),
        TestStep(start=dt.date(2020, 4, 15), per_100_beds=3.0),
        TestStep(start=dt.date(2020, 5, 11), per_100_beds=15.0),
    ]


class WaveAssumptions(Strict):
    """How the capacity of the time is rebuilt: each a parameter, none fitted."""

    tests: list[TestStep] = Field(
        default_factory=_test_steps,
        description="Test capacity steps. Assumption: in March PHE swabbed a few "
        "symptomatic residents per new outbreak (0.5 per 100 beds a day); from 15 April "
        "every symptomatic resident and every discharge was to be tested (3); from 11 May "
        "the whole-home portal (15: the example's 370 slots for 2,435 beds in June).",
    )
    whole_home_from: dt.date = Field(
        default=dt.date(2020, 5, 11),
        description="From this day the greedy tests whole homes (first those in an "
        "outbreak, then the rest every `routine_days`); before it only residents of homes "
        "with a reported outbreak. Source: whole-home testing announced 28 April, the "
        "portal opened to all homes for older people on 11 May 2020.",
    )
    routine_days: Annotated[int, Field(ge=1)] = Field(
        default=28, description="Days between whole-home tests of a home with no outbreak."
    )
    outbreak_retest_days: Annotated[int, Field(ge=1)] = Field(
        default=7, description="Days between whole-home tests of a home in an outbreak."
    )
    result_days: Annotated[int, Field(ge=0)] = Field(
        default=3, description="Days from swab to result (2020's national labs: 2-4)."
    )
    bank_per_home: Annotated[float, Field(ge=0.0)] = Field(
        default=120 / 95,
        description="Staff-bank workers per home when the bank was full (Plymouth: 120 for "
        "95 homes).",
    )
    bank_from: dt.date = Field(
        default=dt.date(2020, 4, 6),
        description="The bank grows linearly from none on this day ...",
    )
    bank_full: dt.date = Field(
        default=dt.date(2020, 5, 18), description="... to full on this day. Assumption."
    )
    bank_shifts_per_worker_day: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.5,
        description="Shifts a bank worker works a day (rest rules, one home): assumption.",
    )
    admissions_per_bed_day: Annotated[float, Field(ge=0.0)] = Field(
        default=0.002,
        description="Admissions (mostly hospital discharges) per bed a day. Source: about "
        "25,000 discharges to England's ~450,000 care-home beds, 17 March to 15 April "
        "2020 (NAO, 2020); kept through the wave.",
    )
    lead_days: Annotated[int, Field(ge=0, le=28)] = Field(
        default=7,
        description="Days by which community infection leads England's outbreak reports "
        "(latent period plus time to notice and report).",
    )

    def bank_share(self, day: dt.date) -> float:
        """The share of the full bank working on `day`: it grows linearly from `bank_from`
        to `bank_full` (the greedy's shifts and the planner's workers read the same share)."""
        span = max(1, (self.bank_full - self.bank_from).days)
        return min(1.0, max(0.0, (day - self.bank_from).days / span))


class FirstWave(Strict):
    """One authority's first wave, as `carehome firstwave` writes it."""

    authority: str
    start: dt.date = WAVE_START
    days: int = 7 * WAVE_WEEKS
    homes: list[WaveHome]
    community: list[float] = Field(
        description="Relative community force of infection by day, 1 at its peak: "
        "England's weekly new outbreaks per home, held through each week, moved "
        "`lead_days` earlier."
    )
    assumptions: WaveAssumptions = Field(default_factory=WaveAssumptions)
    simulation: Simulation = Field(default_factory=Simulation)

    @property
    def beds(self) -> int:
        return sum(h.beds for h in self.homes)


# --------------------------------------------------------------------------- data


@cache
def outbreak_table() -> pd.DataFrame:
    return pd.read_csv(OUTBREAKS_FILE, parse_dates=["week_beginning"])


@cache
def death_table() -> pd.DataFrame:
    return pd.read_csv(DEATHS_FILE, parse_dates=["week_beginning"])


def upper_tier() -> list[str]:
    """Authorities with death figures: the upper tier, which covers England once (the
    outbreak file also names the districts inside counties)."""
    names = set(death_table()["authority"]) & set(outbreak_table()["authority"])
    return sorted(names)


def england_curve() -> pd.Series:
    """England's weekly new care-home outbreaks per care home, summed over the upper tier
    (149 authorities, 15,475 homes), indexed by week beginning."""
    table = outbreak_table()
    upper = table[table["authority"].isin(upper_tier())]
    homes = upper.groupby("authority")["care_homes"].first().sum()
    return upper.groupby("week_beginning")["outbreaks"].sum() / homes


def _authority_rows(authority: str) -> pd.DataFrame:
    table = outbreak_table()
    rows = table[table["authority"] == authority]
    if rows.empty or rows["care_homes"].isna().any():
        names = sorted(table["authority"].dropna().unique())
        close = difflib.get_close_matches(authority, names, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ScenarioError(
            [f"{OUTBREAKS_FILE.name}: authority {authority!r}: no rows with care_homes{hint}"]
        )
    return rows


class Observed(Strict):
    """What was seen in an authority, week by week (weeks begin on Mondays)."""

    authority: str
    care_homes: int
    weeks: list[dt.date]
    outbreaks: list[int]
    death_weeks: list[dt.date]
    """Weeks of the wave with death figures (from 13 April, the first full week)."""
    deaths_all_causes: list[int]
    deaths_covid19: list[int]
    baseline: float
    """Mean all-cause deaths a week over `BASELINE_WEEKS`."""

    @property
    def excess_deaths(self) -> list[float]:
        return [d - self.baseline for d in self.deaths_all_causes]


def observed(authority: str) -> Observed:
    """The authority's first wave as published; deaths empty where there are none (the
    districts inside counties)."""
    rows = _authority_rows(authority).set_index("week_beginning")
    weeks = [WAVE_START + dt.timedelta(weeks=k) for k in range(WAVE_WEEKS)]
    counts = rows["outbreaks"].reindex(pd.to_datetime(weeks), fill_value=0)
    deaths = death_table()
    mine = deaths[deaths["authority"] == authority].set_index("week_beginning")
    low, high = (pd.Timestamp(d) for d in BASELINE_WEEKS)
    base = mine.loc[(mine.index >= low) & (mine.index <= high), "deaths_all_causes"]
    in_wave = mine[mine.index < pd.Timestamp(weeks[-1] + dt.timedelta(days=7))]
    return Observed(
        authority=authority,
        care_homes=int(rows["care_homes"].iloc[0]),
        weeks=weeks,
        outbreaks=[int(x) for x in counts],
        death_weeks=[d.date() for d in in_wave.index],
        deaths_all_causes=[int(x) for x in in_wave["deaths_all_causes"]],
        deaths_covid19=[int(x) for x in in_wave["deaths_covid19"]],
        baseline=float(base.mean()) if len(base) else 0.0,
    )


# --------------------------------------------------------------------------- the city


def community_series(assumptions: WaveAssumptions, days: int) -> list[float]:
    """England's curve by day from `WAVE_START`, each week's value held over its days,
    `lead_days` earlier (the last week held to the end), scaled to 1 at the peak."""
    curve = england_curve()
    weekly = curve.reindex(
        pd.to_datetime([WAVE_START + dt.timedelta(weeks=k) for k in range(WAVE_WEEKS)]),
        fill_value=0.0,
    ).to_numpy()
    daily = np.repeat(weekly, 7)
    shifted = np.concatenate(
        [daily[assumptions.lead_days :], np.full(assumptions.lead_days, daily[-1])]
    )
    return [round(float(x), 5) for x in (shifted / shifted.max())[:days]]


def first_wave(
    authority: str, assumptions: WaveAssumptions | None = None, seed: int = 0
) -> FirstWave:
    """The authority's first-wave city: `care_homes` synthetic homes (`generate`, seeded)
    of the usual type mix and sizes, with no outbreak at the start."""
    homes = _authority_rows(authority)["care_homes"].iloc[0]
    assumptions = assumptions or WaveAssumptions()
    city = generate(int(homes), 0, days=1, seed=seed, name=authority)
    return FirstWave(
        authority=authority,
        homes=[
            WaveHome(
                id=h.id,
                type=h.type,
                beds=h.beds,
                residents=h.residents,
                staff=h.staff,
                can_isolate=h.can_isolate,
            )
            for h in city.homes
        ],
        community=community_series(assumptions, 7 * WAVE_WEEKS),
        assumptions=assumptions,
    )
