"""`reflect serve`: a local preview on loopback that rebuilds when the journal changes.

The site is built (HTML only) into a private temporary folder and served from
there by the standard library's threading HTTP server.  A watcher polls the
journal, reflect.yaml and the project's templates; on a change it rebuilds and
bumps a version number.  Served HTML pages get a tiny script (only here, never
in `reflect build` output) that polls that number and reloads the page.  When
the journal has errors, every page shows them, with their positions, instead
of the site; so does any other failure of a rebuild (a broken template), and
the watcher keeps watching.

Only requests whose Host header names the loopback (127.0.0.1, localhost,
[::1]) are answered, so a web page cannot reach the preview through a DNS name
that it rebinds to 127.0.0.1 (unless --allow-remote).  The temporary folder is
removed on Ctrl-C, SIGTERM and SIGHUP.
"""
from __future__ import annotations

import datetime as dt
import html
import http.server
import ipaddress
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

from reflect.cli import EXIT_OK, resolve_project, today
from reflect.console import Console, plural
from reflect.errors import UsageError

VERSION_PATH = "/__reflect__/version"
POLL_SECONDS = 0.5
_RELOAD = ("<script>/* reflect serve: live reload (preview only) */(function(){var v=null;"
           "function poll(){fetch('" + VERSION_PATH + "',{cache:'no-store'}).then(function(r){return r.text()})"
           ".then(function(t){if(v===null){v=t}else if(t!==v){location.reload()}}).catch(function(){})"
           ".finally(function(){setTimeout(poll,700)})}poll()})();</script>")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def host_allowed(header: str | None, port: int, also: str | None = None) -> bool:
    """Whether a Host header names the loopback (with or without the bound port).

    A request without a Host header (HTTP/1.0) is not from a browser, so it is let through."""
    if header is None:
        return True
    h = header.strip().lower()
    names = set(LOOPBACK_NAMES)
    if also:
        names.add(f"[{also.lower()}]" if ":" in also else also.lower())
    return h in names or any(h == f"{n}:{port}" for n in names)


class Preview:
    """Builds the site into a temp folder and keeps it current; thread-safe state for the server.

    `today` is called at each rebuild for the report date (the caller decides: --as-of, or the
    date of the rebuild), so a preview left running past midnight moves on to the new day."""

    def __init__(self, root: Path, today: Callable[[], dt.date], con: Console):
        self.root, self.today, self.con = root, today, con
        self.tmp = Path(tempfile.mkdtemp(prefix=f"reflect-serve-{os.getpid()}-"))
        self.site = self.tmp / "site"
        self.version = 0
        self.error_html: str | None = None
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._signature = None
        self._thread: threading.Thread | None = None

    # -- watching -------------------------------------------------------
    def signature(self) -> tuple:
        """What the build depends on: every file's path, size and mtime."""
        items = []
        for base in (self.journal_dir(), self.root / "templates", self.root / "reflect.yaml"):
            paths = [base] if base.is_file() else (sorted(base.rglob("*")) if base.is_dir() else [])
            for p in paths:
                try:
                    st = p.stat()
                except OSError:
                    continue
                if p.is_file():
                    items.append((str(p), st.st_size, st.st_mtime_ns))
        return tuple(items)

    def journal_dir(self) -> Path:
        """The configured journal folder, read again on every poll (reflect.yaml may change it)."""
        from reflect.config import load_config
        from reflect.rules import CATALOG

        try:
            return load_config(self.root, CATALOG)[0].journal_dir
        except Exception:  # noqa: BLE001 - a broken reflect.yaml is reported by the rebuild, not here
            return self.root / "journal"

    def rebuild(self) -> None:
        from reflect.build import BuildFailed, build_site, check_output
        from reflect.project import load_project
        from reflect.render import TemplateProblem

        started = time.perf_counter()
        error = None
        try:
            as_of = self.today()
            project = load_project(self.root)
            if project.diagnostics:
                error = _error_page("Your journal has errors", [str(d) for d in project.diagnostics])
            else:
                out = check_output(self.site, project.config)
                build_site(project, as_of, out, pdf=False)
        except (TemplateProblem, BuildFailed, UsageError) as exc:
            error = _error_page("The site could not be built", [str(exc)])
        except Exception as exc:  # noqa: BLE001 - anything else is shown too: the watcher must live on
            where = ""
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                where = f" (in {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno})"
            error = _error_page("The site could not be built",
                                [f"unexpected error: {type(exc).__name__}: {exc}{where}; this may be a bug in reflect"])
        with self.lock:
            self.error_html = error
            self.version += 1
        took = time.perf_counter() - started
        if error:
            self.con.eprint(f"reflect serve: errors, shown in the browser ({took:.1f} s)")
        else:
            self.con.eprint(f"reflect serve: rebuilt in {took:.1f} s")

    def watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                sig = self.signature()
            except Exception:  # noqa: BLE001 - a folder that cannot be read now may be readable later
                continue
            if sig != self._signature:
                self._signature = sig
                self.rebuild()

    def start(self) -> None:
        self._signature = self.signature()
        self.rebuild()
        self._thread = threading.Thread(target=self.watch, name="reflect-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _error_page(title: str, lines: list[str]) -> str:
    items = "\n".join(f"<li><code>{html.escape(l)}</code></li>" for l in lines)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} — reflect'
            f'</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f'<body style="font-family: system-ui, sans-serif; max-width: 70ch; margin: 2rem auto; padding: 0 1rem">'
            f'<main><h1>{html.escape(title)}</h1><p>{plural(len(lines), "problem")}; fix '
            f'{"it" if len(lines) == 1 else "them"} and this page reloads by itself.</p><ul>{items}</ul></main>'
            f'</body></html>')


def make_handler(preview: Preview, allow_remote: bool = False):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(preview.site), **kw)

        def _misdirected(self) -> bool:
            """Answer 421 to a Host that is not the loopback (DNS rebinding); True when answered."""
            if allow_remote:
                return False
            host, port = self.server.server_address[:2]
            if host_allowed(self.headers.get("Host"), port, host):
                return False
            body = b"421 Misdirected Request: reflect serve answers only to 127.0.0.1, localhost and [::1]\n"
            self.send_response(421, "Misdirected Request")
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return True

        def log_message(self, format, *args):  # noqa: A002 - quiet: the terminal shows rebuilds only
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            super().end_headers()

        def _send(self, body: bytes, ctype: str, status: int = 200):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self):
            if self._misdirected():
                return
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == VERSION_PATH:
                with preview.lock:
                    v = preview.version
                return self._send(str(v).encode(), "text/plain; charset=utf-8")
            with preview.lock:
                error = preview.error_html
            if error is not None and (path.endswith((".html", "/")) or "." not in path.rsplit("/", 1)[-1]):
                return self._send(error.replace("</body>", _RELOAD + "</body>").encode(), "text/html; charset=utf-8")
            if path.endswith((".html", "/")):
                local = Path(self.translate_path(path))
                if local.is_dir():
                    local = local / "index.html"
                try:
                    body = local.read_bytes()
                except OSError:
                    return super().do_GET()
                body = body.replace(b"</body>", _RELOAD.encode() + b"</body>", 1)
                return self._send(body, "text/html; charset=utf-8")
            return super().do_GET()

        do_HEAD = do_GET

        def do_POST(self):
            if self._misdirected():
                return
            self.send_error(405)
    return Handler


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    address_family = socket.AF_INET


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(host: str, port: int, preview: Preview,
                allow_remote: bool = False) -> http.server.ThreadingHTTPServer:
    cls = _Server6 if ":" in host else _Server
    return cls((host, port), make_handler(preview, allow_remote))


def _stop_on_signals() -> dict:
    """SIGTERM and SIGHUP stop the server like Ctrl-C (so the temp folder goes); the old handlers."""
    def stop(signum, frame):
        raise KeyboardInterrupt

    old = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            old[sig] = signal.signal(sig, stop)
        except (ValueError, OSError):  # not the main thread: the caller handles its own signals
            pass
    return old


def cmd_serve(args, con: Console) -> int:
    host = args.host
    if not is_loopback(host):
        if not args.allow_remote:
            raise UsageError(f"refusing to listen on {host}: the preview shows your whole journal, so it "
                             f"listens on 127.0.0.1 only; pass --allow-remote to listen on {host} anyway")
        con.eprint(f"reflect serve: WARNING: listening on {host}: anyone who can reach this machine "
                   f"on port {args.port} can read your journal")
    root = resolve_project(args)
    preview = Preview(root, lambda: today(args), con)  # --as-of, or the date at each rebuild
    try:
        server = make_server(host, args.port, preview, allow_remote=bool(args.allow_remote))
    except OSError as exc:
        preview.stop()
        import errno

        hint = " (another program uses that port: choose one with --port N, or --port 0 for any free port)" \
            if exc.errno == errno.EADDRINUSE else ""
        raise UsageError(f"cannot listen on {host}:{args.port}: {exc.strerror}{hint}") from None
    old_handlers = _stop_on_signals()
    try:
        preview.start()
    except BaseException:
        server.server_close()
        preview.stop()
        _restore(old_handlers)
        raise
    port = server.server_address[1]
    shown = f"[{host}]" if ":" in host else host
    con.print(f"serving {root} on http://{shown}:{port}/ — rebuilds when the journal changes; Ctrl-C stops")
    try:
        con.out.flush()
    except (AttributeError, OSError):
        pass
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        con.eprint("reflect serve: stopped")
    finally:
        server.server_close()
        preview.stop()
        _restore(old_handlers)
    return EXIT_OK


def _restore(old: dict) -> None:
    for sig, handler in old.items():
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError, TypeError):
            pass


__all__ = ["cmd_serve", "Preview", "make_server", "is_loopback", "today"]
