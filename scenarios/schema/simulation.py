"""The policy simulation's epidemic parameters, each default with where it comes from."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, NonNegativeInt

from scenarios.limits import MAX_HORIZON_DAYS
from scenarios.schema.base import HomeType, Probability, Strict


def _deaths_by_type() -> dict[HomeType, float]:
    return {
        HomeType.OLDER_PEOPLE_NURSING: 0.25,
        HomeType.OLDER_PEOPLE_RESIDENTIAL: 0.20,
        HomeType.LEARNING_DISABILITY: 0.05,
        HomeType.MENTAL_HEALTH: 0.03,
        HomeType.SUBSTANCE_MISUSE: 0.01,
    }


class Simulation(Strict):
    """Parameters of `carehome simulate`'s epidemic (`scheduler.simulation`). A decision aid,
    not an epidemiological study: every default is a round number in the range reported for
    English care homes in spring 2020, named with where it comes from, to be replaced by
    local estimates."""

    community_prevalence: Probability = Field(
        default=0.002,
        description="Share of the community infectious on a day. Source: ONS COVID-19 "
        "Infection Survey, England, May-June 2020 (about 0.1-0.3 %).",
    )
    worker_exposure_ratio: Annotated[float, Field(ge=0.0)] = Field(
        default=2.0,
        description="A care worker's infection risk relative to the community's, so one "
        "worker-day entering a home introduces infection with probability prevalence x "
        "ratio. Source: assumption; ONS occupational analyses (2020) found social care "
        "workers at roughly twice the risk.",
    )
    staff_on_duty: Probability = Field(
        default=0.4,
        description="Share of a home's own staff entering it on a day (about 3 shifts a "
        "week each). Source: assumption.",
    )
    carry_probability: Probability = Field(
        default=0.5,
        description="Chance a planned worker (bank, NHS, agency) who is infectious and at "
        "work infects someone at the home of a shift. At a home other than where they "
        "caught it, this is how a worker moving between homes carries an outbreak. Source: "
        "assumption; staff working across homes were a risk factor for outbreaks (Vivaldi "
        "study, Shallcross et al. 2021).",
    )
    r_within_home: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        default=2.0,
        description="Secondary cases per undetected case inside a home (residents and staff "
        "mixing freely). Source: assumption within the 1.5-3 range of care-home outbreak "
        "reports, spring 2020.",
    )
    latent_days: Annotated[float, Field(ge=1.0)] = Field(
        default=3.0, description="Mean days exposed before infectious. Source: He et al. 2020."
    )
    infectious_days: Annotated[float, Field(ge=1.0)] = Field(
        default=7.0,
        description="Mean days infectious (and, for residents, at risk of dying). Source: "
        "assumption; viral shedding studies, 2020.",
    )
    test_sensitivity: Probability = Field(
        default=0.8,
        description="Chance a swab of an infectious person is positive. Source: Watson et "
        "al., BMJ 2020 (RT-PCR, about 70-80 % in practice).",
    )
    turnaround_days: NonNegativeInt | None = Field(
        default=None,
        description="Days from swab to result; omitted: each test site's result_days.",
    )
    isolation_effect: Probability = Field(
        default=0.7,
        description="Share of a case's onward spread removed by isolating in the home. "
        "Source: assumption.",
    )
    staff_sick: Probability = Field(
        default=0.6,
        description="Share of infected staff who go off sick when infectious (the rest "
        "work on until a test finds them). Source: about 40 % asymptomatic, Oran and "
        "Topol 2020.",
    )
    hidden_per_known_case: Annotated[float, Field(ge=0.0)] = Field(
        default=1.0,
        description="Undetected infections per known case at the start. Source: Arons et "
        "al., NEJM 2020 (half of positive residents had no symptoms).",
    )
    death_rate: dict[HomeType, Probability] = Field(
        default_factory=_deaths_by_type,
        description="Share of infected residents who die, by home type. Source: "
        "assumption in the range of ONS/CQC death notifications and PHE's 2020 report on "
        "deaths of people with learning disabilities.",
    )
    plan_days: Annotated[int, Field(ge=1, le=MAX_HORIZON_DAYS)] = Field(
        default=7, description="Horizon of each plan made inside the simulation."
    )
