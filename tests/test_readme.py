"""The README's commands run as written, in the order a reader meets them.

Every `carehome` command in a fenced shell block of the README is run in a fresh folder
(with the repository's `scenarios/` beside it, as in a clone). One substitution keeps the
suite fast: each `plan` gets `--time-limit 2` appended (a later option overrides nothing
the README sets, and the plan's tables are the same kind of output at any limit). `serve`
reads the admin's password from its environment variable instead of the prompt, and the
server it would start is recorded rather than run: the web app's own tests drive it.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import uvicorn
from click.testing import CliRunner

from cli.main import main
from cli.serve_cmd import PASSWORD_ENV

ROOT = Path(__file__).resolve().parents[1]
FAST_PLAN = ["--time-limit", "2"]


def readme_commands(text: str) -> list[list[str]]:
    """Each `carehome` command of the text's ```bash blocks, as its arguments: lines
    continued with a backslash joined, comments dropped, `a && b` split."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            while words:
                part = words[: words.index("&&")] if "&&" in words else words
                words = words[len(part) + 1 :]
                if part and part[0] == "carehome":
                    commands.append(part[1:])
    return commands


def test_the_readme_has_commands_to_run() -> None:
    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert {c[0] for c in commands} >= {"plan", "import", "export-inputs", "report"}


@pytest.mark.slow
def test_every_readme_command_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(PASSWORD_ENV, "a long enough password")
    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(app))
    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    for args in commands:
        run = args + FAST_PLAN if args[0] == "plan" else args
        result = CliRunner().invoke(main, run)
        assert result.exit_code == 0, f"carehome {shlex.join(args)}:\n{result.output}"
    assert len(served) == sum(c == ["serve"] for c in commands) > 0
