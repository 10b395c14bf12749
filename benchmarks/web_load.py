"""A bounded load test of `carehome serve`: people browsing while plans run.

The app runs in its own process on a loopback port (`benchmarks.live_server`), with
`--runs-at-once` equal to the plans, so every plan's worker process competes with the
pages for the CPU, as on a council's small server. First one small plan is made, so that
its plan pages exist; then the plans (a generated 25-home city, whose search always has
more to do) are queued while simulated users, each in a thread with a session of its own,
log in and open the dashboard, the scenario, the runs, their progress and the small plan's
pages, pausing between clicks as people do. Once the plans run, one worker process is
killed with SIGKILL: its run must end "failed", never stay "running". The users browse
until every plan has ended.

Targets: no request fails, page p95 under 500 ms, every plan finished, the killed run
failed. `python -m benchmarks.web_load` prints the table and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.live_server import add_accounts, form_token, log_in, serving
from scenarios.generate import generate
from scenarios.load import dump_scenario
from web.config import WebConfig
from web.db import Role, Run, RunStatus, make_engine

PASSWORD = "load test password"
P95_TARGET_MS = 500.0
THINK_SECONDS = (0.2, 1.0)
"""A user's pause between two clicks, drawn uniformly."""
PLAN_VIEWS = ("testing", "staff", "homes", "isolation", "unmet", "brief")


@dataclass
class Tally:
    """What the users saw, added to by every user's thread."""

    page_ms: list[float] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, ms: float, status: int | None, error: str = "") -> None:
        with self.lock:
            self.requests += 1
            if status is not None and status < 400:
                self.page_ms.append(ms)
                self.by_page.setdefault(re.sub(r"\d+", "N", path), []).append(ms)
            else:
                self.errors.append(f"{path}: {status or error}")


@dataclass
class Result:
    users: int
    requests: int
    errors: list[str]
    p50_ms: float
    p95_ms: float
    statuses: dict[int, str]
    killed: int | None
    seconds: float
    slowest: list[tuple[str, float]]
    """The pages with the highest p95 (ms), slowest first."""

    @property
    def finished(self) -> int:
        return sum(s not in (RunStatus.QUEUED, RunStatus.RUNNING) for s in self.statuses.values())

    @property
    def killed_status(self) -> str:
        return self.statuses.get(self.killed, "none killed") if self.killed else "none killed"

    def met(self) -> bool:
        return (
            not self.errors
            and self.p95_ms < P95_TARGET_MS
            and self.finished == len(self.statuses)
            and self.killed_status == RunStatus.FAILED
        )


def _browse(base: str, name: str, pages: list[str], tally: Tally, stop: threading.Event) -> None:
    """One user: log in, then open pages at random until told to stop."""
    try:
        client = log_in(base, name, PASSWORD)
    except (httpx2.HTTPError, RuntimeError) as exc:
        tally.add("/login", 0.0, None, str(exc))
        return
    chooser = random.Random(name)
    with closing(client):
        while not stop.wait(chooser.uniform(*THINK_SECONDS)):
            path = chooser.choice(pages)
            began = time.perf_counter()
            try:
                status: int | None = client.get(path).status_code
                error = ""
            except httpx2.HTTPError as exc:
                status, error = None, type(exc).__name__
            tally.add(path, (time.perf_counter() - began) * 1000, status, error)


def _queue(client: httpx2.Client, text: str, name: str, settings: dict[str, str]) -> int:
    """Upload a scenario and plan it: the run's id."""
    token = form_token(client)
    files = {"file": (name, text.encode())}
    answer = client.post("/scenarios/upload", data={"csrf_token": token}, files=files)
    version = answer.headers["location"].rsplit("/", 1)[1]
    answer = client.post(f"/versions/{version}/runs", data={**settings, "csrf_token": token})
    return int(answer.headers["location"].rsplit("/", 1)[1])


def _wait(client: httpx2.Client, run_id: int, timeout: float, **until: object) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        progress: dict = client.get(f"/runs/{run_id}/progress").json()  # type: ignore[type-arg]
        if all(progress.get(k) == v for k, v in until.items()):
            return progress
        time.sleep(0.25)
    raise RuntimeError(f"run {run_id} did not reach {until} in {timeout:.0f} s")


def _kill_one(config: WebConfig, client: httpx2.Client, run_id: int) -> None:
    """SIGKILL the run's worker process once its search has begun."""
    _wait(client, run_id, 120, stage="planning whole schedules")
    engine = make_engine(config.url)
    try:
        with Session(engine) as db:
            pid = db.scalar(select(Run.pid).where(Run.id == run_id))
    finally:
        engine.dispose()
    if pid is None:
        raise RuntimeError(f"run {run_id} has no worker process")
    os.kill(pid, signal.SIGKILL)


def _pages(small: int, runs: list[int]) -> list[str]:
    """What the users open: the dashboard, two scenarios, the small plan's pages, and the
    planning runs' pages and progress (what a run page polls every second)."""
    return [
        "/",
        "/versions/1",
        "/versions/2",
        f"/runs/{small}",
        *(f"/runs/{small}/{view}" for view in PLAN_VIEWS),
        *(f"/runs/{run}" for run in runs),
        *(f"/runs/{run}/progress" for run in runs),
    ]


def _p95(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=20)[-1] if len(ms) > 1 else (ms or [0.0])[0]


def _slowest(by_page: dict[str, list[float]], count: int = 3) -> list[tuple[str, float]]:
    ranked = sorted(((page, _p95(ms)) for page, ms in by_page.items()), key=lambda p: -p[1])
    return ranked[:count]


def _load(
    base: str, planner: httpx2.Client, config: WebConfig, names: list[str], args: argparse.Namespace
) -> Result:
    tiny = (Path(__file__).resolve().parent.parent / "scenarios/examples/tiny.yaml").read_text()
    small = _queue(planner, tiny, "tiny.yaml", {"time_limit": "2", "workers": "1"})
    _wait(planner, small, 120, active=False)
    city = dump_scenario(generate(homes=25, workers=30, days=14, seed=3))
    settings = {"time_limit": str(args.time_limit), "workers": "1"}
    runs = [_queue(planner, city, "city.yaml", settings) for _ in range(args.plans)]
    tally, stop = Tally(), threading.Event()
    pages = _pages(small, runs)
    users = [
        threading.Thread(target=_browse, args=(base, name, pages, tally, stop)) for name in names
    ]
    began = time.monotonic()
    for user in users:
        user.start()
    statuses: dict[int, str] = {}
    try:
        _kill_one(config, planner, runs[0])
        for run in runs:
            statuses[run] = _wait(planner, run, args.time_limit + 180, active=False)["status"]
    finally:
        stop.set()
        for user in users:
            user.join()
    return Result(
        users=len(names),
        requests=tally.requests,
        errors=tally.errors,
        p50_ms=statistics.median(tally.page_ms) if tally.page_ms else 0.0,
        p95_ms=_p95(tally.page_ms),
        statuses=statuses,
        killed=runs[0],
        seconds=time.monotonic() - began,
        slowest=_slowest(tally.by_page),
    )


def measure(args: argparse.Namespace) -> Result:
    """Serve a new app from a temporary folder, load it, and say what the users saw."""
    with tempfile.TemporaryDirectory(prefix="carehome-load-") as folder:
        data = Path(folder) / "web"
        names = [f"user{i:02d}" for i in range(args.users)]
        accounts = [("planner", Role.PLANNER), *((name, Role.COORDINATOR) for name in names)]
        add_accounts(data, args.database_url, accounts, PASSWORD)
        config = WebConfig(data_dir=data, database_url=args.database_url)
        with (
            serving(data, args.database_url, runs_at_once=args.plans) as base,
            closing(log_in(base, "planner", PASSWORD)) as planner,
        ):
            return _load(base, planner, config, names, args)


def table(result: Result) -> str:
    header = "users  requests  errors  page p50 ms  page p95 ms  runs finished  killed run  seconds"
    row = (
        f"{result.users:>5}  {result.requests:>8}  {len(result.errors):>6}  "
        f"{result.p50_ms:>11.0f}  {result.p95_ms:>11.0f}  "
        f"{result.finished:>6} of {len(result.statuses):<4}  {result.killed_status:>10}  "
        f"{result.seconds:>7.0f}"
    )
    return f"{header}\n{row}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="people browsing at once")
    parser.add_argument("--plans", type=int, default=4, help="plans running at once")
    parser.add_argument("--time-limit", type=float, default=20.0, help="each plan's seconds")
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL URL (default: SQLite in a temp folder)"
    )
    args = parser.parse_args(argv)
    result = measure(args)
    print(table(result))
    for error in result.errors[:20]:
        print(f"error: {error}")
    print("slowest pages (p95 ms): " + ", ".join(f"{p} {ms:.0f}" for p, ms in result.slowest))
    statuses = ", ".join(f"#{run} {status}" for run, status in result.statuses.items())
    print(f"runs: {statuses}; targets {'met' if result.met() else 'MISSED'}")
    return 0 if result.met() else 1


if __name__ == "__main__":
    raise SystemExit(main())
