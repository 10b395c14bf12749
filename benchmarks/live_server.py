"""`carehome serve` on a free loopback port, in a process of its own, with accounts made
beforehand: what the web app's browser test and its load test talk to over HTTP.

A process of its own (not a thread beside the test) so that what is measured or clicked is
the app as deployed: its own interpreter, its run pool and worker processes, its shutdown.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
from sqlalchemy.orm import Session

from web.config import DATABASE_ENV, WebConfig
from web.db import Role, make_engine, upgrade
from web.users import create_user

START_SECONDS = 60.0
"""How long the app may take to answer at all: a cold start on a busy CI machine."""
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    """A loopback port nothing listens on now (the OS's choice, so parallel runs differ)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def add_accounts(
    data_dir: Path, database_url: str, accounts: Iterable[tuple[str, Role]], password: str
) -> None:
    """Active users on the app's database (migrated first), as an admin would add them."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(WebConfig(data_dir=data_dir, database_url=database_url).url)
    try:
        upgrade(engine)
        with Session(engine) as db:
            for name, role in accounts:
                create_user(db, name, password, role)
            db.commit()
    finally:
        engine.dispose()


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"carehome serve ended ({process.returncode}): {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"carehome serve did not answer in {START_SECONDS:.0f} s")


@contextmanager
def serving(data_dir: Path, database_url: str = "", runs_at_once: int = 1) -> Iterator[str]:
    """The app's address while it runs; its output goes to `data_dir/serve.log`. At the end
    it is stopped as a service manager stops it (SIGTERM: its runs are ended and recorded)."""
    port = free_port()
    command = [sys.executable, "-c", "from cli.main import main; main()", "serve"]
    command += ["--data", str(data_dir), "--port", str(port), "--runs-at-once", str(runs_at_once)]
    env = {**os.environ, DATABASE_ENV: database_url}  # empty: SQLite in data_dir
    log = data_dir / "serve.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_until_listening(process, port, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def form_token(client: httpx2.Client, path: str = "/") -> str:
    """The session's form token, from a page that carries it, as a browser sends it back."""
    found = TOKEN.search(client.get(path).text)
    if found is None:
        raise RuntimeError(f"no form token on {path}")
    return found.group(1)


def log_in(base: str, name: str, password: str) -> httpx2.Client:
    """A client with `name`'s session, as after the login form."""
    client = httpx2.Client(base_url=base, timeout=60)
    form = {"name": name, "password": password, "csrf_token": form_token(client, "/login")}
    answer = client.post("/login", data=form)
    if answer.status_code != 303:
        raise RuntimeError(f"login of {name} refused: {answer.status_code}")
    return client
