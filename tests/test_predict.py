"""`carehome predict`: a fit's particles played in other authorities, scored against the
null model, and refusals of what cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from cli.main import main
from scheduler.simulation.predict import similar_authorities

THETA = {
    "worker_intro": 0.0009,
    "admission_intro": 0.02,
    "r_within_home": 2.2,
    "detection": 0.25,
    "death_nursing": 0.35,
    "death_residential": 0.25,
}


def _fit_dir(tmp_path: Path, **theta: float) -> Path:
    fit = tmp_path / "fit"
    fit.mkdir()
    pd.DataFrame([THETA | theta | {"weight": 1.0}]).to_csv(fit / "particles.csv", index=False)
    (fit / "summary.json").write_text(json.dumps({"authority": "Rutland"}))
    return fit


def test_similar_authorities_are_the_nearest_in_homes_without_the_fitted_one() -> None:
    near = similar_authorities("Plymouth", 5)
    assert "Plymouth" not in near and len(near) == 5
    assert {"Wakefield", "Southend-on-Sea"} <= set(near)  # 95 homes, as Plymouth


def test_predict_scores_the_model_against_the_null(tmp_path: Path) -> None:
    out = tmp_path / "predict.csv"
    args = ["predict", "--fit", str(_fit_dir(tmp_path)), "--similar", "2"]
    result = CliRunner().invoke(main, [*args, "--draws", "20", "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 2 and "Rutland" not in set(table["authority"])
    assert (table["crps_null"] > 0).all()
    skill = 1 - table["crps_model"] / table["crps_null"]
    assert ((skill - table["skill"]).abs() < 0.01).all()


def test_a_model_with_no_introductions_predicts_no_outbreaks(tmp_path: Path) -> None:
    out = tmp_path / "predict.csv"
    fit = _fit_dir(tmp_path, worker_intro=0.0, admission_intro=0.0)
    args = ["predict", "--fit", str(fit), "--authority", "Camden", "--draws", "10"]
    result = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    row = pd.read_csv(out).iloc[0]
    assert row["predicted_p95"] == 0 and row["observed_outbreaks"] > 0
    assert row["skill"] < 0  # forecasting none is worse than England's rate


def test_predict_refuses_particles_without_a_parameter(tmp_path: Path) -> None:
    fit = _fit_dir(tmp_path)
    pd.read_csv(fit / "particles.csv").drop(columns="detection").to_csv(
        fit / "particles.csv", index=False
    )
    out = tmp_path / "predict.csv"
    args = ["predict", "--fit", str(fit), "--authority", "Camden", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "particles.csv: column 'detection' missing" in result.output
    assert not out.exists()
