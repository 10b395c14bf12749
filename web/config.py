"""Where the web app keeps its data and how it is reached, with defaults that need no setup.

One command on a laptop gets a SQLite file and a folder beside it, bound to 127.0.0.1;
a council's IT gives a PostgreSQL URL, a data folder and a secret key instead.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.solve.settings import default_workers

SECRET_ENV = "CAREHOME_SECRET_KEY"
DATABASE_ENV = "CAREHOME_DATABASE_URL"
DASK_ENV = "CAREHOME_DASK"


@dataclass(frozen=True)
class WebConfig:
    data_dir: Path = Path("carehome-web")
    """The managed folder: each run's plan folder and downloads under `runs/<run id>/`,
    the generated secret key, and the SQLite file when no database URL is given."""
    database_url: str = ""
    """A SQLAlchemy URL (`postgresql+psycopg://...`); empty: SQLite in `data_dir`."""
    host: str = "127.0.0.1"
    port: int = 8000
    run_slots: int = 1
    """Plans solved at once, one worker process each; every plan also uses its own
    search workers, so on a small machine one at a time is the fastest overall."""
    secret_key: str = ""
    """Signs session cookies; empty: read from (or first written to) `data_dir`."""
    secure_cookies: bool | None = None
    """Send cookies over HTTPS only; None: on unless bound to a loopback address (a
    deployment is reached through TLS, a laptop over plain http://127.0.0.1)."""
    search_workers: int = field(default_factory=default_workers)
    """The default of a run's search workers, as `carehome plan --workers`."""
    cancel_grace_seconds: float = 60.0
    """How long a cancelled run may take to hand back its best plan before it is ended."""
    dask: str = ""
    """A Dask scheduler (`tcp://host:8786`) or `local:N` to run the runs on, as
    `carehome plan --dask`; empty: worker processes of the app's own machine. The
    cluster's workers must reach `url` and see `runs_dir` at the same path."""

    @property
    def url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'carehome.db').resolve()}"

    @property
    def runs_dir(self) -> Path:
        return self.data_dir / "runs"

    @property
    def cookies_https_only(self) -> bool:
        return not is_loopback(self.host) if self.secure_cookies is None else self.secure_cookies

    def signing_key(self) -> str:
        """The configured key, else one generated once and kept owner-only in `data_dir`,
        so that sessions survive a restart without anyone choosing a key."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.is_file():
            return path.read_text(encoding="ascii").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as stream:
            stream.write(key)
        return key


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
