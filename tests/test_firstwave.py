"""The first wave's data and city: what was observed, England's curve, the synthetic homes,
and `carehome firstwave` end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli.main import main
from scenarios.firstwave import (
    FirstWave,
    WaveAssumptions,
    community_series,
    england_curve,
    first_wave,
    observed,
)
from scenarios.load import ScenarioError


def test_plymouth_is_observed_as_published() -> None:
    obs = observed("Plymouth")
    assert obs.care_homes == 95
    assert sum(obs.outbreaks[:17]) == 28  # 28 by the week of 29 June, as the action plan
    assert sum(obs.outbreaks) == 29
    assert obs.outbreaks[11:18] == [0] * 7  # none from 25 May to 6 July
    assert obs.death_weeks[0] == dt.date(2020, 4, 13)
    assert len(obs.death_weeks) == 14
    # baseline: late summer's mean week (6, 10, 9, 7, 10, 18, 18 deaths)
    assert obs.baseline == pytest.approx(78 / 7)
    assert obs.excess_deaths[0] == pytest.approx(25 - 78 / 7)


def test_a_district_has_outbreaks_but_no_deaths() -> None:
    obs = observed("West Devon")
    assert sum(obs.outbreaks) > 0
    assert obs.death_weeks == [] and obs.baseline == 0.0


def test_an_unknown_authority_names_the_file_and_a_guess() -> None:
    with pytest.raises(ScenarioError) as caught:
        observed("Plymuth")
    (line,) = caught.value.lines
    assert "care-home-outbreaks-2020.csv" in line and "'Plymuth'" in line
    assert "did you mean Plymouth" in line


def test_englands_curve_peaks_in_april_and_leads_by_a_week() -> None:
    curve = england_curve()
    assert curve.idxmax().date() == dt.date(2020, 4, 6)
    assert 0.06 < curve.max() < 0.07  # 1,031 outbreaks in 15,475 homes
    series = community_series(WaveAssumptions(), 133)
    assert max(series) == 1.0
    assert series.index(1.0) == 21  # the week of 6 April moved to the week of 30 March
    unshifted = community_series(WaveAssumptions(lead_days=0), 133)
    assert unshifted.index(1.0) == 28


def test_the_city_has_the_authoritys_homes_and_is_reproducible() -> None:
    wave = first_wave("Plymouth", seed=3)
    assert len(wave.homes) == 95
    assert wave.days == 133 and len(wave.community) == 133
    assert wave == first_wave("Plymouth", seed=3)
    assert wave.homes != first_wave("Plymouth", seed=4).homes


def test_firstwave_writes_a_wave_that_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "wave.yaml"
    result = CliRunner().invoke(main, ["firstwave", "--authority", "Plymouth", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "95 homes" in result.output
    wave = FirstWave.model_validate(yaml.safe_load(out.read_text()))
    assert wave == first_wave("Plymouth")


def test_firstwave_refuses_an_unknown_authority_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "wave.yaml"
    result = CliRunner().invoke(main, ["firstwave", "--authority", "Nowhere", "-o", str(out)])
    assert result.exit_code == 2
    assert "authority 'Nowhere'" in result.output
    assert not out.exists()
