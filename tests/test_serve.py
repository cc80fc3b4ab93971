"""`reflect serve`: loopback only, rebuilds on change, shows journal errors in the page, stops cleanly."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:  # loopback only: the server under test
        return r.read().decode("utf-8")


def _wait(pred, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def served(tmp_path):
    shutil.copytree(REPO / "journal", tmp_path / "journal")
    shutil.copy(REPO / "reflect.yaml", tmp_path / "reflect.yaml")
    proc = subprocess.Popen([sys.executable, "-m", "reflect", "serve", "--project", str(tmp_path), "--port", "0",
                             "--as-of", "2026-11-27"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, line + proc.stderr.read()
        yield proc, f"http://127.0.0.1:{m.group(1)}", tmp_path
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_serves_the_site_on_loopback_with_live_reload(served):
    proc, base, _ = served
    page = _get(base + "/")
    assert "<h1" in page and "Alex Rivera" in page
    assert "live reload" in page            # only the preview injects the reload script
    assert _get(base + "/__reflect__/version").strip().isdigit()
    # the socket is bound to the loopback address only
    out = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout if shutil.which("ss") else ""
    port = base.rsplit(":", 1)[1]
    for line in out.splitlines():
        if f":{port} " in line:
            assert "127.0.0.1:" in line


def test_rebuilds_after_a_change_and_shows_errors_in_the_page(served):
    proc, base, root = served
    v0 = int(_get(base + "/__reflect__/version"))
    month = root / "journal" / "2026" / "11.yaml"
    with month.open("a", encoding="utf-8") as fh:
        fh.write("\n- {date: 2026-11-26, with: dana, gave: A brand new favour for the test}\n")
    _wait(lambda: int(_get(base + "/__reflect__/version")) > v0)
    assert "A brand new favour for the test" in _get(base + "/weeks/2026-W48.html")
    v1 = int(_get(base + "/__reflect__/version"))
    with month.open("a", encoding="utf-8") as fh:
        fh.write("- {date: 2026-11-26, with: dnaa, gave: Oops}\n")
    _wait(lambda: int(_get(base + "/__reflect__/version")) > v1)
    page = _get(base + "/weeks/2026-W48.html")
    assert "journal/2026/11.yaml:" in page and "unknown person" in page and "dnaa" in page


def test_ctrl_c_stops_cleanly(served):
    proc, base, _ = served
    _get(base + "/")
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0
    assert "Traceback" not in proc.stderr.read()


def test_refuses_a_non_loopback_host_unless_asked(tmp_path):
    shutil.copytree(REPO / "journal", tmp_path / "journal")
    p = subprocess.run([sys.executable, "-m", "reflect", "serve", "--project", str(tmp_path), "--host", "0.0.0.0",
                        "--port", "0"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2
    assert "127.0.0.1" in p.stderr and "--allow-remote" in p.stderr


def test_loopback_detection():
    from reflect.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.1.2.3")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.org")
