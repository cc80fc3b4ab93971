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
            proc.terminate()  # SIGTERM: the server removes its temp folder
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
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


def _raw_get(base: str, host: str) -> str:
    import socket

    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data.decode("utf-8", "replace")


def test_answers_only_to_a_loopback_host_header(served):
    proc, base, _ = served
    port = base.rsplit(":", 1)[1]
    reply = _raw_get(base, "evil.example.com")
    assert reply.startswith("HTTP/1.0 421") or reply.startswith("HTTP/1.1 421"), reply[:200]
    assert "Alex Rivera" not in reply
    assert " 421" in _raw_get(base, f"evil.example.com:{port}").split("\r\n", 1)[0]
    assert " 421" in _raw_get(base, "localhost:1").split("\r\n", 1)[0]  # not the bound port
    for host in ("127.0.0.1", f"127.0.0.1:{port}", "localhost", f"LOCALHOST:{port}", "[::1]", f"[::1]:{port}"):
        assert _raw_get(base, host).split("\r\n", 1)[0].endswith("200 OK"), host


def test_host_check_rules():
    from reflect.serve import host_allowed

    assert host_allowed("127.0.0.1:8000", 8000) and host_allowed("localhost", 8000) and host_allowed("[::1]:8000", 8000)
    assert host_allowed("127.0.0.2:8000", 8000, "127.0.0.2")
    assert not host_allowed("evil.example.com", 8000) and not host_allowed("127.0.0.1.evil.example.com", 8000)
    assert not host_allowed("127.0.0.1:9999", 8000)


def test_sigterm_stops_and_removes_the_temp_folder(served):
    import glob
    import tempfile

    proc, base, _ = served
    _get(base + "/")
    mine = os.path.join(tempfile.gettempdir(), f"reflect-serve-{proc.pid}-*")
    assert glob.glob(mine), "the preview's temp folder is named after its process"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert "Traceback" not in proc.stderr.read()
    assert not glob.glob(mine)


def _console():
    import io

    from reflect.console import Console

    return Console(out=io.StringIO(), err=io.StringIO(), color=False)


def _copy_example(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "journal", tmp_path / "journal")
    shutil.copy(REPO / "reflect.yaml", tmp_path / "reflect.yaml")
    return tmp_path


def test_the_report_date_comes_from_the_caller_at_each_rebuild(tmp_path):
    import datetime as dt

    from reflect.serve import Preview

    root = _copy_example(tmp_path)
    days = [dt.date(2026, 11, 27), dt.date(2026, 12, 2)]
    calls = []

    def today():
        calls.append(1)
        return days[len(calls) - 1]
    preview = Preview(root, today, _console())
    try:
        preview.rebuild()
        assert preview.error_html is None
        assert (preview.site / "weeks" / "2026-W48.html").is_file()
        assert not (preview.site / "weeks" / "2026-W49.html").exists()
        preview.rebuild()  # the next day: the preview moves on without a restart
        assert preview.error_html is None and len(calls) == 2
        assert (preview.site / "weeks" / "2026-W49.html").is_file()
    finally:
        preview.stop()
    assert not preview.tmp.exists()


def test_watches_the_configured_journal_folder(tmp_path):
    import datetime as dt

    from reflect.serve import Preview

    root = tmp_path
    shutil.copytree(REPO / "journal", root / "notes")
    (root / "reflect.yaml").write_text((REPO / "reflect.yaml").read_text() + "\njournal: notes\n")
    (root / "journal").mkdir()  # a decoy: not the journal
    preview = Preview(root, lambda: dt.date(2026, 11, 27), _console())
    try:
        before = preview.signature()
        assert any("/notes/" in item[0] for item in before)
        (root / "journal" / "x.yaml").write_text("[]\n")
        assert preview.signature() == before
        with (root / "notes" / "2026" / "11.yaml").open("a", encoding="utf-8") as fh:
            fh.write("\n- {date: 2026-11-26, with: dana, gave: Noticed in notes}\n")
        assert preview.signature() != before
    finally:
        preview.stop()


def test_any_rebuild_failure_is_shown_and_the_watcher_lives_on(tmp_path, monkeypatch):
    import datetime as dt

    import reflect.build
    from reflect.serve import Preview

    root = _copy_example(tmp_path)
    preview = Preview(root, lambda: dt.date(2026, 11, 27), _console())
    try:
        # a broken project template: the page says so, with the file and line
        (root / "templates").mkdir()
        (root / "templates" / "week.html").write_text("{{ 1/0 }}\n")
        preview.rebuild()
        assert "templates/week.html:1" in preview.error_html and "division by zero" in preview.error_html
        # anything else that goes wrong in a rebuild: shown too, never a dead watcher
        def boom(*a, **kw):
            raise RuntimeError("something unexpected")
        monkeypatch.setattr(reflect.build, "build_site", boom)
        (root / "templates" / "week.html").unlink()
        preview.start()
        assert "RuntimeError: something unexpected" in preview.error_html
        v = preview.version
        monkeypatch.undo()
        with (root / "journal" / "2026" / "11.yaml").open("a", encoding="utf-8") as fh:
            fh.write("\n- {date: 2026-11-26, with: dana, gave: After the failure}\n")
        _wait(lambda: preview.version > v)
        assert preview._thread.is_alive()
        _wait(lambda: preview.error_html is None)
    finally:
        preview.stop()


def test_servers_for_each_family_leave_the_base_class_alone(tmp_path):
    import datetime as dt
    import socket

    from reflect import serve

    preview = serve.Preview(tmp_path, lambda: dt.date(2026, 11, 27), _console())
    try:
        try:
            six = serve.make_server("::1", 0, preview)
        except OSError as exc:
            pytest.skip(f"no IPv6 loopback here: {exc}")
        six.server_close()
        assert six.address_family == socket.AF_INET6
        assert serve._Server.address_family == socket.AF_INET
        four = serve.make_server("127.0.0.1", 0, preview)
        four.server_close()
        assert four.address_family == socket.AF_INET
    finally:
        preview.stop()


def test_a_port_in_use_says_how_to_choose_another(tmp_path):
    import socket

    shutil.copytree(REPO / "journal", tmp_path / "journal")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        p = subprocess.run([sys.executable, "-m", "reflect", "serve", "--project", str(tmp_path), "--port", str(port)],
                           capture_output=True, text=True, timeout=30)
    assert p.returncode == 2, p.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in p.stderr and "--port 0" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize("port", ["99999", "80000", "-5", "65536"])
def test_a_port_out_of_range_is_a_usage_error(tmp_path, port):
    # once "internal error: OverflowError … a bug in reflect" (exit 70), from bind()
    from conftest import run_cli

    shutil.copytree(REPO / "journal", tmp_path / "journal")
    code, out, err = run_cli(["serve", "--project", tmp_path, f"--port={port}"])
    assert code == 2 and out == "", err
    assert err.startswith("reflect: argument --port: ") and "0 to 65535" in err
    assert "internal error" not in err and "Traceback" not in err
