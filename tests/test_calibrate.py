"""`carehome calibrate`: the distance and scores, the posterior against the prior, a fit
that recovers known parameters from data of Plymouth's size, and the command end to end
(files, resuming, refusals)."""

from __future__ import annotations

import importlib.util
import json
import math
import time
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from cli.main import main
from scenarios.firstwave import Observed, first_wave, observed
from scheduler.simulation.calibrate import (
    PRIORS,
    FitSettings,
    WaveModel,
    distance,
    fit,
    weighted_quantile,
)
from scheduler.simulation.fit_report import crps, posterior_table

TRUTH = {
    "worker_intro": 0.0009,
    "admission_intro": 0.02,
    "r_within_home": 2.2,
    "detection": 0.25,
    "death_nursing": 0.35,
    "death_residential": 0.25,
}


def test_distance_is_zero_only_for_the_data_itself() -> None:
    x = {"outbreaks": np.array([0.0, 4, 9]), "deaths": np.array([1.0, 0])}
    assert distance(x, x) == 0
    y = {"outbreaks": np.array([0.0, 4, 16]), "deaths": np.array([1.0, 0])}
    assert distance(x, y) == pytest.approx(1.0)  # (sqrt 9 - sqrt 16)^2


def test_crps_of_a_sure_forecast_and_of_a_split_one() -> None:
    assert crps(np.array([3.0, 3.0]), 3.0) == 0
    # E|X - 1| = 1, E|X - X'| = 1 for X in {0, 2}: 1 - 1/2
    assert crps(np.array([0.0, 2.0]), 1.0) == pytest.approx(0.5)


def test_weighted_quantile_follows_the_weights() -> None:
    x = np.array([1.0, 2.0, 3.0])
    assert weighted_quantile(x, np.array([1.0, 1, 1]), 0.5) == 2
    assert weighted_quantile(x, np.array([0.0, 0, 1]), 0.5) == 3


def _from_prior(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({k: rng.uniform(*p.scale, size=n) for k, p in PRIORS.items()})


def test_a_posterior_that_is_its_prior_has_a_spread_ratio_of_one() -> None:
    frame = _from_prior(4000, 0)
    table = posterior_table(frame, np.ones(len(frame))).set_index("parameter")
    assert table["sd_ratio"].between(0.95, 1.05).all()
    narrow = frame.assign(detection=0.3 + 0.01 * (frame["detection"] - 0.26))
    ratio = posterior_table(narrow, np.ones(len(frame))).set_index("parameter")["sd_ratio"]
    assert ratio["detection"] < 0.05
    # log-scale parameters are reported on their natural scale
    assert table.loc["worker_intro", "p5"] > PRIORS["worker_intro"].low


@cache
def _plymouth_model() -> WaveModel:
    return WaveModel.of(first_wave("Plymouth"), observed("Plymouth"))


def _synthetic(model: WaveModel, seed: int) -> Observed:
    """Data simulated from `TRUTH` in Plymouth's city, shaped as the published data."""
    real = observed("Plymouth")
    x = model.run(TRUTH, seed)
    return real.model_copy(
        update={
            "outbreaks": [int(v) for v in x["outbreaks"]],
            "deaths_all_causes": [int(v) for v in x["deaths"]],
            "baseline": 0.0,
        }
    )


@pytest.mark.slow
def test_a_fit_recovers_known_parameters(tmp_path: Path) -> None:
    """Data of Plymouth's size from known parameters: every 90 % interval of the fit holds
    the truth, and the data narrow what they should (the introduction rate, the share of
    nursing home residents dying)."""
    model = _plymouth_model()
    data = _synthetic(model, 2020)
    assert 20 <= sum(data.outbreaks) <= 40 and 20 <= sum(data.deaths_all_causes) <= 80
    started = time.perf_counter()
    settings = FitSettings(budget=360, population=40, seed=1)
    frame, weights, info = fit(model, data, settings, tmp_path / "checkpoint.db")
    seconds = time.perf_counter() - started
    table = posterior_table(frame, weights).set_index("parameter")
    for name, truth in TRUTH.items():
        assert table.loc[name, "p5"] <= truth <= table.loc[name, "p95"], (name, table)
    assert table.loc["worker_intro", "sd_ratio"] < 0.7, table
    assert info["generations"] >= 3
    print(f"recovery: {info['simulations']} runs, {seconds:.1f} s\n{table}")


def _calibrate(out: Path, *extra: str) -> tuple[int, str]:
    args = ["calibrate", "--authority", "Rutland", "--out", str(out), "--jobs", "1"]
    args += ["--population", "20", "--draws", "20", *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_calibrate_writes_its_files_and_resumes(tmp_path: Path) -> None:
    out = tmp_path / "fit"
    code, output = _calibrate(out, "--budget", "80")
    assert code == 0, output
    assert {p.name for p in out.iterdir()} >= {
        "posterior.csv",
        "weekly.csv",
        "fit.png",
        "summary.json",
        "checkpoint.db",
    }
    first = json.loads((out / "summary.json").read_text())
    assert first["simulations"] <= 80 + 20
    weekly = pd.read_csv(out / "weekly.csv")
    assert len(weekly) == 19 and weekly["observed_outbreaks"].sum() == 2
    assert weekly["simulated_deaths_median"].notna().sum() == 14
    posterior = pd.read_csv(out / "posterior.csv")
    assert list(posterior["parameter"]) == list(PRIORS)
    assert set(first["goodness_of_fit"]) >= {"outbreaks_crps_per_week", "deaths_crps_per_week"}
    code, output = _calibrate(out, "--budget", "200")
    assert code == 0, output
    second = json.loads((out / "summary.json").read_text())
    assert second["generations"] > first["generations"]
    assert second["simulations"] > first["simulations"]


def test_calibrate_refuses_a_checkpoint_of_another_fit(tmp_path: Path) -> None:
    out = tmp_path / "fit"
    assert _calibrate(out, "--budget", "60")[0] == 0
    before = (out / "summary.json").read_text()
    code, output = _calibrate(out, "--budget", "80", "--seed", "5")
    assert code == 2
    (line,) = output.strip().splitlines()
    assert "checkpoint.json: seed" in line
    assert (out / "summary.json").read_text() == before


def test_calibrate_refuses_a_budget_too_small_for_its_population(tmp_path: Path) -> None:
    out = tmp_path / "fit"
    code, output = _calibrate(out, "--budget", "59")
    assert code == 2 and "--budget" in output and "at least 60" in output
    assert not out.exists()


def test_calibrate_refuses_an_unknown_authority_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "fit"
    result = CliRunner().invoke(main, ["calibrate", "--authority", "Atlantis", "--out", str(out)])
    assert result.exit_code == 2 and "authority 'Atlantis'" in result.output
    assert not out.exists()


def test_calibrate_without_its_extra_names_the_install_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyabc" else real(name, *a)
    )
    out = tmp_path / "fit"
    code, output = _calibrate(out)
    assert code == 2 and ".[calibrate]" in output
    assert not out.exists()


def test_prior_bounds_are_ordered() -> None:
    for p in PRIORS.values():
        low, high = p.scale
        assert low < high and math.isfinite(p.sd)


def test_the_same_fit_on_one_process_is_the_same_fit(tmp_path: Path) -> None:
    outputs = []
    for k in range(2):
        code, output = _calibrate(tmp_path / f"fit{k}", "--budget", "60")
        assert code == 0, output
        assert "generation 0:" in output  # the progress, one line a generation in a log
        outputs.append((tmp_path / f"fit{k}" / "posterior.csv").read_text())
    assert outputs[0] == outputs[1]


@pytest.mark.slow
def test_calibrate_runs_its_simulations_on_a_dask_cluster(tmp_path: Path) -> None:
    out = tmp_path / "fit"
    code, output = _calibrate(out, "--budget", "80", "--dask", "local:2")
    assert code == 0, output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["dask"] == "local:2" and summary["generations"] >= 1
    assert list(pd.read_csv(out / "posterior.csv")["parameter"]) == list(PRIORS)
