"""Headless Chromium for the browser tests, driven over `--remote-debugging-pipe`.

No extra dependency: Chromium speaks the DevTools protocol (CDP) as NUL-terminated
JSON on file descriptors 3 (commands in) and 4 (replies and events out).  That is
what lets the tests see everything a developer sees in the DevTools console,
including failed resource loads ("Failed to load resource: net::ERR_FILE_NOT_FOUND"),
which `--enable-logging=stderr` does not print.

    with Chromium.launch(tmp_dir) as browser:
        with browser.page(width=1280, height=900) as page:
            page.goto(url)
            page.evaluate("document.title")
            page.console_problems()      # errors, exceptions, failed loads
            page.screenshot(path, full_page=True)
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
AXE_JS = REPO_ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# The flags every launch uses (issue 3 / CI): no sandbox, no GPU, nothing phoning home.
BASE_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT = 30.0
_TRAMPOLINE = (
    "import os, sys\n"
    "a, b = int(sys.argv[1]), int(sys.argv[2])\n"
    "os.dup2(a, 3); os.dup2(b, 4); os.close(a); os.close(b)\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def axe_source() -> str | None:
    return AXE_JS.read_text(encoding="utf-8") if AXE_JS.is_file() else None


class BrowserError(RuntimeError):
    pass


class Chromium:
    """One headless Chromium process and its DevTools pipe."""

    def __init__(self, binary: str, user_data_dir: Path) -> None:
        # Our ends: we write commands to `cmd_w`, read replies from `out_r`.
        # Chromium's ends are moved to fds 3 and 4 by a tiny Python trampoline
        # (subprocess cannot renumber fds); keep them >= 10 first so the two
        # dup2 calls cannot clobber each other.
        cmd_r, cmd_w = os.pipe()
        out_r, out_w = os.pipe()
        child_in = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(out_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r)
        os.close(out_w)
        argv = [binary, *BASE_FLAGS, f"--user-data-dir={user_data_dir}",
                "--remote-debugging-pipe", "--hide-scrollbars", "--mute-audio", "about:blank"]
        self.stderr_path = Path(user_data_dir).with_suffix(".stderr.txt")
        self._stderr = open(self.stderr_path, "wb")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _TRAMPOLINE, str(child_in), str(child_out), *argv],
                stdin=subprocess.DEVNULL, stdout=self._stderr, stderr=self._stderr,
                pass_fds=(child_in, child_out), start_new_session=True,
            )
        finally:
            os.close(child_in)
            os.close(child_out)
        self._w = os.fdopen(cmd_w, "wb", buffering=0)
        self._r = os.fdopen(out_r, "rb", buffering=0)
        self._next_id = 0
        self._lock = threading.Lock()
        self._replies: dict[int, queue.Queue] = {}
        self._events: dict[str | None, list[dict]] = {}
        self._event_cv = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._read_loop, name="cdp-reader", daemon=True)
        self._reader.start()
        self.version = self.send("Browser.getVersion")

    @classmethod
    @contextmanager
    def launch(cls, tmp_dir: Path, binary: str | None = None):
        binary = binary or find_chromium()
        if not binary:
            raise BrowserError("no chromium binary found")
        profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_dir))
        browser = cls(binary, profile)
        try:
            yield browser
        finally:
            browser.close()

    # ------------------------------------------------------------ the pipe

    def _read_loop(self) -> None:
        buf = b""
        while True:
            try:
                chunk = self._r.read(1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    q = self._replies.get(msg["id"])
                    if q is not None:
                        q.put(msg)
                else:
                    with self._event_cv:
                        self._events.setdefault(msg.get("sessionId"), []).append(msg)
                        self._event_cv.notify_all()
        self._closed = True
        for q in list(self._replies.values()):
            q.put({"error": {"message": "Chromium closed the DevTools pipe"}})
        with self._event_cv:
            self._event_cv.notify_all()

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = TIMEOUT) -> dict:
        if self._closed:
            raise BrowserError(f"{method}: Chromium is gone; its last words:\n{self.last_words()}")
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
            q: queue.Queue = queue.Queue()
            self._replies[msg_id] = q
            msg = {"id": msg_id, "method": method, "params": params or {}}
            if session:
                msg["sessionId"] = session
            self._w.write(json.dumps(msg).encode() + b"\0")
        try:
            reply = q.get(timeout=timeout)
        except queue.Empty:
            raise BrowserError(f"{method}: no answer from Chromium in {timeout:.0f} s") from None
        finally:
            self._replies.pop(msg_id, None)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')} {reply['error'].get('data', '')}")
        return reply.get("result", {})

    def last_words(self, lines: int = 15) -> str:
        """The tail of Chromium's stderr, without the D-Bus noise of a headless box."""
        try:
            self._stderr.flush()
            text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no stderr)"
        keep = [ln for ln in text.splitlines() if "dbus" not in ln.lower()]
        return "\n".join(keep[-lines:])

    def events(self, session: str | None) -> list[dict]:
        with self._event_cv:
            return list(self._events.get(session, []))

    def wait_event(self, session: str | None, method: str, start: int = 0,
                   timeout: float = TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        with self._event_cv:
            while True:
                for ev in self._events.get(session, [])[start:]:
                    if ev["method"] == method:
                        return ev
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise BrowserError(f"no {method} within {timeout:.0f} s")
                self._event_cv.wait(left)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send("Browser.close", timeout=5)
            except BrowserError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()          # our own child, by its pid
                self.proc.wait(timeout=10)
        for f in (self._w, self._r, self._stderr):
            try:
                f.close()
            except OSError:
                pass

    # ------------------------------------------------------------ pages

    @contextmanager
    def page(self, width: int = 1280, height: int = 900, mobile: bool = False):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        try:
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.send(f"{domain}.enable", session=session)
            self.send("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
                      session=session)
            yield page
        finally:
            try:
                self.send("Target.closeTarget", {"targetId": target}, timeout=10)
            except BrowserError:
                pass


class Page:
    def __init__(self, browser: Chromium, session: str) -> None:
        self.browser = browser
        self.session = session
        self._mark = 0          # events before this index belong to earlier navigations

    def send(self, method: str, params: dict | None = None, timeout: float = TIMEOUT) -> dict:
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def goto(self, url: str, timeout: float = TIMEOUT) -> None:
        start = self._mark = len(self.browser.events(self.session))
        result = self.send("Page.navigate", {"url": url}, timeout=timeout)
        if result.get("errorText"):
            raise BrowserError(f"{url}: {result['errorText']}")
        self.browser.wait_event(self.session, "Page.loadEventFired", start, timeout)
        # let late console messages and failed loads arrive: one more round trip
        # through the renderer after the load event
        self.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")

    def evaluate(self, expression: str, timeout: float = TIMEOUT):
        res = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                             "returnByValue": True}, timeout=timeout)
        if "exceptionDetails" in res:
            d = res["exceptionDetails"]
            raise BrowserError(f"{expression[:60]!r}: {d.get('exception', {}).get('description') or d.get('text')}")
        return res.get("result", {}).get("value")

    def console_problems(self) -> list[str]:
        """Since the last goto(): everything the DevTools console would show as an
        error or warning, every failed load, and any request that would leave the
        machine (a static report must not fetch from the network)."""
        problems = []
        urls: dict[str, str] = {}
        for ev in self.browser.events(self.session)[self._mark:]:
            m, p = ev["method"], ev.get("params", {})
            if m == "Network.requestWillBeSent":
                urls[p["requestId"]] = p["request"]["url"]
            if m == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                problems.append(f"uncaught: {d.get('exception', {}).get('description') or d.get('text')}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                problems.append(f"console.{p['type']}: {args}")
            elif m == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
                e = p["entry"]
                if e.get("source") == "network" and e.get("text", "").startswith("Failed to load resource"):
                    continue                  # reported with its URL by Network.loadingFailed
                problems.append(f"{e['level']} ({e.get('source')}): {e.get('text')} {e.get('url', '')}".rstrip())
            elif m == "Network.loadingFailed" and not p.get("canceled"):
                problems.append(f"failed to load {urls.get(p['requestId'], '?')}: {p.get('errorText')} ({p.get('type')})")
            elif m == "Network.requestWillBeSent":
                url = p["request"]["url"]
                if not url.startswith(("file:", "data:", "about:")):
                    problems.append(f"network request: {url}")
        return problems

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params: dict = {"format": "png"}
        if full_page:
            m = self.send("Page.getLayoutMetrics")
            size = m.get("cssContentSize") or m["contentSize"]
            vw = m.get("cssLayoutViewport", m.get("layoutViewport", {})).get("clientWidth", size["width"])
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": max(size["width"], vw),
                                "height": min(size["height"], 16000), "scale": 1})
        data = self.send("Page.captureScreenshot", params, timeout=60)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def axe(self, source: str) -> list[dict]:
        """Run axe-core in the page; its violations (list of dicts)."""
        self.send("Runtime.evaluate", {"expression": source, "returnByValue": True}, timeout=60)
        return self.evaluate(
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target, html: n.html,"
            " summary: n.failureSummary}))})))",
            timeout=60,
        )
