"""`carehome counterfactual`: variants paired with the policy as run, a variant that changes
nothing prevents nothing, earlier testing saves lives in the model, bank workers free to
move carry infection, the risk order, and the command's files and refusals."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from cli.main import main
from scenarios.firstwave import FirstWave, first_wave
from scenarios.schema import HomeType
from scheduler.simulation.counterfactual import (
    FAST,
    OUTCOMES,
    Variant,
    draw_seed,
    play_draw,
    run_draws,
    variants,
)
from scheduler.simulation.fastwave import simulate_wave
from scheduler.simulation.waverules import BankWalk, Rule, Signs, fixed_scores, risk_order

THETA = {
    "worker_intro": 0.003,
    "admission_intro": 0.02,
    "r_within_home": 2.5,
    "detection": 0.0,
    "death_nursing": 0.35,
    "death_residential": 0.25,
}
"""Nobody noticed ill, so only tests find outbreaks: where testing earlier shows most."""


@cache
def _small() -> FirstWave:
    """Plymouth's first 30 homes: the whole wave in a fraction of the city's time."""
    wave = first_wave("Plymouth")
    return wave.model_copy(update={"homes": wave.homes[:30]})


def test_every_fast_variant_is_paired_with_the_same_run_of_the_policy_as_run() -> None:
    """(The optimiser's pairing, on its own draws, is `test_waveplan`'s: a tiny wave.)"""
    thetas = [THETA, THETA | {"r_within_home": 1.5}]
    fast = [variants()[name] for name in FAST]
    table = run_draws(_small(), thetas, np.array([0, 1, 1]), 5, fast)
    assert len(table) == 3 * len(fast)
    for draw, rows in table.groupby("draw"):
        actual = rows[[f"{k}_actual" for k in OUTCOMES]]
        assert (actual == actual.iloc[0]).all().all()
        theta = thetas[int(rows["particle"].iloc[0])]
        alone = simulate_wave(_small(), theta, draw_seed(5, int(draw)))
        assert actual.iloc[0]["deaths_actual"] == alone.deaths.sum()
        assert actual.iloc[0]["infections_actual"] == alone.infections
    assert (table["seed"] == [draw_seed(5, d) for d in table["draw"]]).all()
    prevented = table["deaths_actual"] - table["deaths_variant"]
    assert (prevented == table["deaths_prevented"]).all()


def test_a_variant_that_changes_nothing_prevents_exactly_nothing() -> None:
    wave = _small()
    no_carry = wave.model_copy(
        update={"simulation": wave.simulation.model_copy(update={"carry_probability": 0.0})}
    )
    zero = variants(weeks_earlier=0)
    unchanged = [
        (wave, [zero["more_tests_earlier"], zero["whole_home_earlier"], Variant("same", "")]),
        (no_carry, [zero["no_one_home"]]),  # workers move, but carry nothing
    ]
    for source, chosen in unchanged:
        table = run_draws(source, [THETA], np.zeros(3, dtype=int), 0, chosen)
        assert set(table["variant"]) == {v.name for v in chosen}
        assert (table[[f"{k}_prevented" for k in OUTCOMES]] == 0).all().all()


def test_bringing_tests_forward_moves_every_step_and_whole_home_testing() -> None:
    wave = _small()
    moved = variants(weeks_earlier=3)["more_tests_earlier"].apply(wave)
    before, after = wave.assumptions, moved.assumptions
    assert [a.start for a in after.tests] == [b.start - pd.Timedelta(days=21) for b in before.tests]
    assert after.whole_home_from == before.whole_home_from - pd.Timedelta(days=21)
    assert wave.assumptions == before  # the wave itself untouched
    only_whole = variants(weeks_earlier=3)["whole_home_earlier"].apply(wave).assumptions
    assert only_whole.tests == before.tests


def test_more_tests_earlier_saves_residents_on_average() -> None:
    """Eight weeks earlier, over a handful of seeds: fewer residents infected and fewer
    deaths on average than the tests as they came (which prevent exactly nothing)."""
    early = variants(weeks_earlier=8)["more_tests_earlier"]
    rows = [row for s in range(6) for row in play_draw(_small(), THETA, s, [early])]
    for key in ("infections", "deaths"):
        assert np.mean([row[f"{key}_prevented"] for row in rows]) > 0, key


def test_bank_workers_free_to_move_bring_more_infection_in() -> None:
    wave = _small()
    carried = wave.model_copy(
        update={"simulation": wave.simulation.model_copy(update={"carry_probability": 1.0})}
    )
    seeds = range(6)
    kept = [simulate_wave(carried, THETA, s).introductions for s in seeds]
    moved = [simulate_wave(carried, THETA, s, Rule(one_home=False)).introductions for s in seeds]
    assert np.mean(moved) > np.mean(kept)


def test_a_bank_worker_carries_only_what_they_caught_at_another_home() -> None:
    p = first_wave("Plymouth").simulation.model_copy(
        update={
            "carry_probability": 1.0,
            "latent_days": 1.0,
            "infectious_days": 1e6,
            "staff_sick": 0.0,
        }
    )
    walk = BankWalk(workers=2, p=p, seed=0)
    sure = np.array([50.0, 0.0, 0.0])  # home 0 infects whoever works there
    assert walk.enter(np.array([0, 1]), sure).tolist() == [0, 0, 0]  # worker 0 caught at 0
    assert walk.caught_at.tolist() == [0, -1] and walk.infected == 1
    assert walk.enter(np.array([0, 1]), sure).tolist() == [0, 0, 0]  # at home 0: its own spread
    assert walk.enter(np.array([2, 1]), sure).tolist() == [0, 0, 1]  # moved: brought to 2
    walk.off[:] = True
    assert walk.enter(np.array([2, 1]), sure).tolist() == [0, 0, 0]  # off sick: brings nothing


def test_the_risk_order_puts_a_confirmed_outbreak_first_and_the_largest_among_equals() -> None:
    signs = Signs.empty(days=10, homes=3)
    signs.found_r[4, 2] = 2
    signs.positive[4, 2] = 2
    fixed = fixed_scores([HomeType.OLDER_PEOPLE_RESIDENTIAL] * 3, signs.weights)
    scores = signs.scores(
        t=5,
        quiet_days=28,
        in_outbreak=np.array([False, False, True]),
        since_test=np.zeros(3, dtype=int),
        short=np.zeros(3, dtype=int),
        fixed=fixed,
        room=np.array([5, 5, 5]),
    )
    w = signs.weights
    assert scores.tolist() == [w.base, w.base, w.base + w.outbreak_confirmed + 2 * 2]
    assert risk_order(scores, np.array([20, 40, 10])).tolist() == [2, 1, 0]


def _fit_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "checkpoint.json").write_text(
        json.dumps({"authority": "Plymouth", "population": 2, "seed": 0})
    )
    pd.DataFrame([THETA | {"weight": 0.5}, THETA | {"detection": 0.3, "weight": 0.5}]).to_csv(
        folder / "particles.csv", index=False
    )
    return folder


def test_counterfactual_writes_its_tables(tmp_path: Path) -> None:
    fit = _fit_folder(tmp_path / "fit")
    out = tmp_path / "cf"
    args = ["counterfactual", "--fit", str(fit), "--out", str(out), "--draws", "2", "--jobs", "1"]
    result = CliRunner().invoke(main, [*args, "--variants", "no_one_home,risk_priority"])
    assert result.exit_code == 0, result.output
    assert "deaths prevented" in result.output
    shown = {line.split()[0]: line.split()[1] for line in result.output.splitlines()[2:4]}
    assert shown == {"no_one_home": "2", "risk_priority": "2"}  # each variant's draws
    table = pd.read_csv(out / "counterfactuals.csv")
    assert table["variant"].tolist() == ["no_one_home", "risk_priority"]
    assert len(pd.read_csv(out / "draws.csv")) == 4
    summary = json.loads((out / "summary.json").read_text())
    assert summary["authority"] == "Plymouth" and summary["draws"] == 2


def test_counterfactual_refuses_a_folder_that_is_not_a_fit(tmp_path: Path) -> None:
    out = tmp_path / "cf"
    result = CliRunner().invoke(
        main, ["counterfactual", "--fit", str(tmp_path), "--out", str(out), "--draws", "2"]
    )
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "checkpoint.json: missing" in result.output
    assert not out.exists()


def test_counterfactual_refuses_a_negative_weight_naming_row_and_column(tmp_path: Path) -> None:
    fit = _fit_folder(tmp_path / "fit")
    table = pd.read_csv(fit / "particles.csv")
    table.loc[1, "weight"] = -1
    table.to_csv(fit / "particles.csv", index=False)
    out = tmp_path / "cf"
    result = CliRunner().invoke(main, ["counterfactual", "--fit", str(fit), "--out", str(out)])
    assert result.exit_code == 2
    assert "particles.csv: row 3: weight: not a number at least 0" in result.output
    assert not out.exists()


def test_counterfactual_refuses_an_unknown_variant(tmp_path: Path) -> None:
    fit = _fit_folder(tmp_path / "fit")
    out = tmp_path / "cf"
    result = CliRunner().invoke(
        main, ["counterfactual", "--fit", str(fit), "--out", str(out), "--variants", "lockdown"]
    )
    assert result.exit_code == 2 and "'lockdown': not a variant" in result.output
    assert not out.exists()


@pytest.mark.slow
def test_counterfactual_on_a_dask_cluster_plays_the_same_draws(tmp_path: Path) -> None:
    fit = _fit_folder(tmp_path / "fit")
    tables = {}
    for how, extra in (("local", ["--jobs", "2"]), ("dask", ["--dask", "local:2"])):
        out = tmp_path / how
        args = ["counterfactual", "--fit", str(fit), "--out", str(out), "--draws", "3"]
        result = CliRunner().invoke(main, [*args, "--variants", "risk_priority", *extra])
        assert result.exit_code == 0, result.output
        tables[how] = pd.read_csv(out / "draws.csv")
    pd.testing.assert_frame_equal(tables["local"], tables["dask"])
    assert json.loads((tmp_path / "dask" / "summary.json").read_text())["dask"] == "local:2"
