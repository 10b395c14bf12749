"""Open a page in headless Chromium as a reader would, and collect every error it raises.

How errors are detected, and why this way: Chromium's `--enable-logging=stderr` prints
console messages, but every level as INFO and without failed resource loads, so stderr
alone cannot tell an error from a log line or see a missing image. So the probe copies the
page with a collector script inserted first in <head>: it records uncaught exceptions and
failed resource loads (a capturing `error` listener on window), unhandled promise
rejections, Content-Security-Policy violations (any network reference the report's CSP
blocks), and console.error/console.warn calls; after `load` it clicks every sortable table
header twice (running the report's own script) and writes what it saw into attributes of
<html>, which `--dump-dom` prints. As a second net, any console line on stderr from the
page fails too: the report writes nothing to the console at all. No pip dependency and no
WebDriver: one `chromium` process per check.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from pydantic import BaseModel

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

COLLECTOR = """<script>(function () {
  var errors = [];
  function save() {
    document.documentElement.setAttribute("data-console-errors", JSON.stringify(errors));
  }
  function record(kind, text) { errors.push(kind + ": " + text); save(); }
  window.addEventListener("error", function (e) {
    var t = e.target;
    if (t && t !== window && t.tagName) {
      record("resource", t.tagName + " " + (t.src || t.href || ""));
    } else {
      record("uncaught", e.message);
    }
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    record("rejection", String(e.reason));
  });
  document.addEventListener("securitypolicyviolation", function (e) {
    record("csp", e.violatedDirective + " " + e.blockedURI);
  });
  ["error", "warn"].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      record("console." + level, Array.prototype.join.call(arguments, " "));
      return original.apply(console, arguments);
    };
  });
  window.addEventListener("load", function () {
    document.querySelectorAll("table.sortable th").forEach(function (th) {
      th.click();
      th.click();
    });
    document.documentElement.setAttribute("data-probe", "loaded");
    save();
  });
})();</script>"""

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Headless, as root in a container, and quiet: no network of Chromium's own (updates,
sync, QUIC probes), so a test sees only the page's own requests."""

_CONSOLE = re.compile(r":CONSOLE[^\]]*\] (.*)")


def find_chromium() -> str | None:
    """$CHROMIUM if set, else the first Chromium or Chrome on PATH."""
    if override := os.environ.get("CHROMIUM"):
        return shutil.which(override)
    return next((p for name in CANDIDATES if (p := shutil.which(name))), None)


class PageRun(BaseModel):
    """What one headless load of a page showed."""

    loaded: bool
    errors: list[str]
    """Collected in the page, then console lines from stderr."""
    dom: str


def _run(chromium: str, page: Path, workdir: Path, *extra: str) -> tuple[str, list[str]]:
    cmd = [
        chromium,
        *FLAGS,
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={workdir / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=3000",
        *extra,
        page.resolve().as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"chromium exit {done.returncode}: {done.stderr[-2000:]}")
    console = [m.group(1) for line in done.stderr.splitlines() if (m := _CONSOLE.search(line))]
    return done.stdout, console


def probe(chromium: str, page: Path, workdir: Path) -> PageRun:
    """Load a copy of `page` with the collector in it and return what it recorded."""
    text = page.read_text(encoding="utf-8")
    head = text.index("<head>") + len("<head>")
    # After the charset and CSP metas when present, so the collector obeys the page's CSP.
    anchor = text.find("<title>", head)
    at = anchor if anchor != -1 else head
    probed = workdir / f"probe-{page.name}"
    probed.write_text(text[:at] + COLLECTOR + text[at:], encoding="utf-8")
    dom, console = _run(chromium, probed, workdir, "--dump-dom")
    attrs = _html_attrs(dom)
    errors = json.loads(attrs.get("data-console-errors") or "[]")
    return PageRun(
        loaded=attrs.get("data-probe") == "loaded",
        errors=[*errors, *(f"console: {c}" for c in console)],
        dom=dom,
    )


def screenshot(chromium: str, page: Path, png: Path, workdir: Path) -> list[str]:
    """A PNG of the unmodified page; returns its console lines (expected: none)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    _, console = _run(chromium, page, workdir, "--window-size=1280,2400", f"--screenshot={png}")
    return console


def print_pdf(chromium: str, page: Path, pdf: Path, workdir: Path) -> bytes:
    """The unmodified page printed as the browser prints it (its own @page rules, no
    header or footer): the PDF's bytes."""
    _run(chromium, page, workdir, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    return pdf.read_bytes()


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF Chromium wrote, with no PDF library: its page objects, which Chromium
    writes as plain dictionaries, counted; the page tree's own /Count must agree, so a
    PDF whose objects hide in compressed streams fails loudly instead of counting 0."""
    objects = len(_PAGE.findall(pdf))
    counts = {int(a or b) for a, b in _COUNT.findall(pdf)}
    if counts and max(counts) != objects:
        raise ValueError(f"{objects} page objects but the page tree counts {max(counts)}")
    if not objects:
        raise ValueError("no page objects found")
    return objects


def _html_attrs(dom: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}

    class Html(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "html" and not found:
                found.update(attrs)

    Html().feed(dom[:20000])
    return found
