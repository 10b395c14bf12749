"""The web app's runs on a Dask cluster (`carehome serve --dask`): queued runs execute on
the cluster at most `--runs-at-once` at a time and survive a restart of the app, a cancel
keeps the best plan so far, a lost cluster worker leaves its run failed, and a cluster
that cannot be reached stops the app before anything is written."""

from __future__ import annotations

import os
import re
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli.main import main
from tests.conftest import EXAMPLES
from tests.webapp import add_users, location_id, login, long_run, make_app, post, wait_for
from web import dask_pool
from web.db import Role, Run, RunStatus

pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed")

QUICK = {"time_limit": 2, "workers": 1}


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """One worker process with two threads: small enough for CI's two cores."""
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as local:
        yield local


def test_queued_runs_execute_on_the_cluster_one_at_a_time_after_a_restart(
    tmp_path: Path,
) -> None:
    queueing = make_app(tmp_path)  # never started: its pool takes nothing
    add_users(queueing, Role.PLANNER)
    client = TestClient(queueing)
    login(client, "planner")
    tiny = (EXAMPLES / "tiny.yaml").read_bytes()
    version = location_id(post(client, "/scenarios/upload", {}, files={"file": ("t.yaml", tiny)}))
    runs = [location_id(post(client, f"/versions/{version}/runs", QUICK)) for _ in range(2)]

    restarted = make_app(tmp_path, dask="local:1", run_slots=1)
    pool = restarted.state.pool
    with TestClient(restarted) as app:
        login(app, "planner")
        most_running = 0
        while True:
            statuses = [app.get(f"/runs/{r}/progress").json()["status"] for r in runs]
            most_running = max(most_running, statuses.count("running"))
            if not {"queued", "running"} & set(statuses):
                break
            time.sleep(0.1)
        assert statuses == ["done", "done"]
        assert most_running == 1
        for run in runs:
            assert "Independent check: 0 violations" in app.get(f"/runs/{run}").text
            assert app.get(f"/runs/{run}/files/staff_roster.csv").status_code == 200
            assert app.get(f"/runs/{run}/files/plan.xlsx").status_code == 200
        logs = pool.client.run(lambda dask_worker: str(dask_worker.state.log)).values()
    assert set(RUN_TASK.findall(" ".join(logs))) == {f"carehome-run-{r}-" for r in runs}


RUN_TASK = re.compile(r"carehome-run-\d+-")
"""A run's task in a cluster worker's log."""


def test_cancel_on_the_cluster_keeps_the_best_plan_so_far(tmp_path: Path, cluster) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path, dask=cluster.scheduler_address)
    add_users(app, Role.PLANNER)
    client, run = long_run(app)
    try:
        wait_for(client, run, stage="planning whole schedules")  # progress from the cluster
        asked = time.monotonic()
        assert post(client, f"/runs/{run}/cancel", {}).status_code == 303
        progress = wait_for(client, run, timeout=60)
        assert progress["status"] == "cancelled"
        assert time.monotonic() - asked < 30  # not the 120 s time limit
        assert "the best plan found until then" in client.get(f"/runs/{run}").text
        assert client.get(f"/runs/{run}/files/staff_roster.csv").status_code == 200
    finally:
        client.__exit__(None, None, None)


def test_a_killed_cluster_worker_leaves_its_run_failed_and_its_process_ended(
    tmp_path: Path, cluster
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path, dask=cluster.scheduler_address)
    add_users(app, Role.PLANNER)
    client, run = long_run(app)
    try:
        wait_for(client, run, stage="planning whole schedules")
        with app.state.sessions() as db:
            planning = db.get(Run, run).pid  # type: ignore[union-attr]
        assert planning is not None
        for pid in app.state.pool.client.run(os.getpid).values():
            os.kill(pid, signal.SIGKILL)
        progress = wait_for(client, run, timeout=60)
        assert progress["status"] == "failed"
        assert "cluster worker" in client.get(f"/runs/{run}").text
        deadline = time.monotonic() + 10
        while _alive(planning):
            assert time.monotonic() < deadline, "the run's process outlived its worker"
            time.sleep(0.2)
        with app.state.sessions() as db:
            assert db.get(Run, run).status == RunStatus.FAILED  # type: ignore[union-attr]
    finally:
        client.__exit__(None, None, None)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_an_unreachable_cluster_stops_serve_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dask_pool, "CONNECT_TIMEOUT", 1.0)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    data = tmp_path / "web"
    result = CliRunner().invoke(main, ["serve", "--data", str(data), "--dask", address])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and address in lines[0]
    assert not data.exists()
