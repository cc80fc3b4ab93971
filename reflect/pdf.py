"""PDF output: HTML strings in, PDF bytes out, through WeasyPrint in a sandbox.

This stage owns everything WeasyPrint: importing it (lazily: `import
reflect.pdf` costs nothing; the ~0.35 s import happens on the first render),
translating "the libraries are missing" into `PdfUnavailable`, the restricted
URL fetcher, and writing files atomically.  It never reads the clock: the
PDF's dates come only from the page's `<meta name="dcterms.created">` (and
`dcterms.modified`), so the same HTML gives the same bytes.

Fetching: WeasyPrint loads images, stylesheets, `@import`, `url()`, SVG
`<image>` and `rel=attachment` files through one fetcher.  Ours
(`make_fetcher`) allows `data:` URLs and `file:` URLs that resolve (symlinks
followed) to a regular file inside the theme roots; everything else (http,
https, ftp, other files, devices, FIFOs) is refused, recorded on
`fetcher.refused` and skipped by WeasyPrint, which logs it as an ERROR.  No
redirects are followed.  The same fetcher is given to `HTML` and to every
`CSS`; this module builds no `Attachment` objects.

Variant: `PDF_VARIANT = "pdf/ua-1"` (tagged, accessible PDF).  Tried with
WeasyPrint 70.0 on report pages carrying inline SVG charts with a `<title>`
child and `<html lang>`: it renders without ERROR records, the SVG title
becomes the figure's alternate text, and `pdfinfo` reports "Tagged: yes";
output stays byte-identical across processes.  What it requires: `lang` on
`<html>`, a `<title>`, `alt` on every `<img>` (WeasyPrint logs an ERROR for a
missing or empty `alt`), so decorative images belong in CSS backgrounds.  If
WeasyPrint ever refuses the variant (older/newer API), `render` falls back
to `pdf_tags=True`, still tagged.  Conformance was not validated (no veraPDF
offline).
"""
from __future__ import annotations

import contextlib
import gc
import logging
import mimetypes
import os
import re
import secrets
import stat
import sys
import types
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlsplit
from urllib.request import url2pathname

from reflect.errors import PdfUnavailable  # noqa: F401  (re-exported)

__all__ = ["PDF_VARIANT", "INSTALL_HINT", "PdfUnavailable", "PdfRenderer", "PdfPool", "RenderResult",
           "load_weasyprint", "make_fetcher", "render_many", "write_atomic"]

PDF_VARIANT = "pdf/ua-1"
MIN_WEASYPRINT = 70
MAX_RESOURCE_BYTES = 32 * 1024 * 1024
INSTALL_HINT = (
    "PDF reports need WeasyPrint 70 or newer and the Pango text libraries. "
    "On Debian or Ubuntu: sudo apt install libpango-1.0-0 libpangoft2-1.0-0 "
    "libharfbuzz-subset0 fonts-dejavu-core; then pip install 'weasyprint>=70' "
    "(Fedora: dnf install pango; macOS: brew install pango). "
    "The HTML site builds without them.")


# The Linux names (sonames) of the libraries WeasyPrint cannot work without; its loader tries
# them after the portable names, each of which costs a `ctypes.util.find_library` search.
_SONAMES = ("libgobject-2.0.so.0", "libpango-1.0.so.0", "libharfbuzz.so.0", "libfontconfig.so.1",
            "libpangoft2-1.0.so.0")


def _not_searched(name: str) -> None:
    return None


# fontTools modules WeasyPrint imports for rare fonts only: `subset` when HarfBuzz cannot subset,
# `varLib.instancer` for variable fonts.  With the functions it takes from them by name (a name
# given here is a function, called later; any other name loads the module at once).
_DEFERRED = {"fontTools.subset": (), "fontTools.varLib.instancer": ("instantiateVariableFont",)}


def _call_later(module: str, name: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        import importlib

        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module}.{name}, imported on its first call"
    return call


class _Deferred(types.ModuleType):
    """Stands in for a module while WeasyPrint is imported; any later use loads the real module."""

    def __init__(self, name: str, functions: Sequence[str]) -> None:
        super().__init__(name)
        self._reflect_functions = tuple(functions)
        self._reflect_importing = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):   # the import system asking for __path__ and the like
            raise AttributeError(name)
        if self._reflect_importing and name in self._reflect_functions:
            return _call_later(self.__name__, name)
        import importlib

        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


@contextlib.contextmanager
def _fonttools_deferred() -> Any:
    """During the block, importing the `_DEFERRED` modules binds stand-ins instead (a third of
    WeasyPrint's import, ~0.1 s, for fonts a report rarely has); they leave `sys.modules` after it."""
    stand_ins = {name: _Deferred(name, functions) for name, functions in _DEFERRED.items()
                 if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, module in stand_ins.items():
            module._reflect_importing = False
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _import_weasyprint() -> Any:
    with _fonttools_deferred():
        return _import_weasyprint_now()


def _import_weasyprint_now() -> Any:
    """`import weasyprint`, without the library search that costs a third of its import on Linux.

    WeasyPrint asks cffi for each library by several names, portable ones first; cffi looks up
    a name it cannot open at once with `ctypes.util.find_library`, which runs `ldconfig` and
    `gcc` (22 searches, ~0.35 s: a third of the import, on the critical path of `reflect
    report`).  When the dynamic linker opens every required soname directly, the search cannot
    find anything better, so during the import it answers "not found" at once and WeasyPrint
    goes on to the soname.  Anywhere else the import is left exactly as it is.
    """
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint
        return weasyprint
    import ctypes
    import ctypes.util
    try:
        for name in _SONAMES:
            ctypes.CDLL(name)
    except OSError:
        import weasyprint   # the thorough search (and WeasyPrint's own advice when it fails)
        return weasyprint
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint


# An array type written with its size, "T[N]": cffi parses each new such string with pycparser,
# declaring every typedef of the FFI again first (WeasyPrint's: ~3 ms a type), and remembers it.
# WeasyPrint writes a new one for each font it subsets (`hb_codepoint_t[5040]`, `[5043]`, ...):
# a dozen parses, 2.8 % of a weekly report's worker instructions.
_SIZED_ARRAY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*\[\s*([0-9]+)\s*\]\s*")


def _arrays_typed_once(ffi: Any) -> None:
    """Make `ffi.new("T[N]")` build its array from `T[]`, parsed once, where that gives the
    same array: no initial values (N zeroed items), or a list or tuple of exactly N.  Any other
    call (bytes or a shorter list, which `T[]` would size differently; any other type) goes to
    cffi as it was.  Only WeasyPrint's own FFI object is changed, in this process."""
    if "new" in vars(ffi):
        return
    plain_new = type(ffi).new

    def new(cdecl: Any, init: Any = None) -> Any:
        # WeasyPrint calls this ~10,000 times a report, nearly always for "char[]" or "T *"
        if type(cdecl) is str and cdecl.endswith("]") and not cdecl.endswith("[]"):
            m = _SIZED_ARRAY.fullmatch(cdecl)
            if m is not None:
                n = int(m.group(2))
                if init is None or (isinstance(init, (list, tuple)) and len(init) == n):
                    return plain_new(ffi, ffi.typeof(m.group(1) + "[]"), n if init is None else init)
        return plain_new(ffi, cdecl, init)

    new.__doc__ = plain_new.__doc__
    ffi.new = new


def load_weasyprint() -> Any:
    """Import WeasyPrint, or raise `PdfUnavailable` with installation advice."""
    try:
        weasyprint = _import_weasyprint()
    except (OSError, ImportError) as exc:
        raise PdfUnavailable(f"cannot load WeasyPrint ({exc}). {INSTALL_HINT}") from exc
    try:
        major = int(str(weasyprint.__version__).split(".")[0])
    except ValueError:
        major = MIN_WEASYPRINT
    if major < MIN_WEASYPRINT:
        raise PdfUnavailable(f"WeasyPrint {weasyprint.__version__} is too old "
                             f"(its URL fetcher cannot be sandboxed). {INSTALL_HINT}")
    ffi = getattr(sys.modules.get("weasyprint.text.ffi"), "ffi", None)
    if ffi is not None and callable(getattr(type(ffi), "new", None)):
        _arrays_typed_once(ffi)
    return weasyprint


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == r or path.is_relative_to(r) for r in roots)


def make_fetcher(roots: Sequence[Path | str]) -> Any:
    """A `weasyprint.urls.URLFetcher` that allows only `data:` and files inside `roots`.

    `fetcher.refused` lists every URL it turned down, in order.
    """
    load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RootedFetcher(URLFetcher):
        """data: URLs, plus file: URLs resolving to a regular file inside the theme roots."""

        def __init__(self, roots: Sequence[Path | str]) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False,
                             fail_on_errors=False, timeout=5)
            self.roots = tuple(Path(r).resolve() for r in roots)
            self.refused: list[str] = []

        def _refuse(self, url: str, why: str) -> None:
            self.refused.append(url if len(url) <= 300 else url[:299] + "\u2026")
            raise ValueError(f"reflect refused {url[:120]!r}: {why}")

        def fetch(self, url: str, headers: dict | None = None) -> Any:
            scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                return self._refuse(url, "only data: URLs and files inside the theme are allowed")
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                return self._refuse(url, "remote file URL")
            try:
                path = Path(url2pathname(parts.path)).resolve(strict=True)
            except (OSError, RuntimeError, ValueError):
                return self._refuse(url, "no such file")
            if not _inside(path, self.roots):
                return self._refuse(url, "outside the theme folders")
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
            try:
                fd = os.open(path, flags)
            except OSError:
                return self._refuse(url, "cannot open")
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_RESOURCE_BYTES:
                    return self._refuse(url, "not a regular file of sane size")
                body = handle.read(MAX_RESOURCE_BYTES + 1)
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url.split("?")[0].split("#")[0], body,
                                      headers={"Content-Type": kind})

    return RootedFetcher(roots)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(record.getMessage())
        except Exception:  # a broken log call must not break the render
            self.messages.append(str(record.msg))


class PdfRenderer:
    """Renders report HTML to PDF bytes; one per process.

    Holds one `FontConfiguration`, one restricted fetcher and the parsed theme
    stylesheets (keyed by path, size and mtime), all created on first use.
    After each `render`, `last_errors` holds WeasyPrint's ERROR log messages
    (missing resources, refused URLs, accessibility errors such as an image
    without `alt`) and `last_refused` the URLs the fetcher refused: the build
    should fail or report on them.
    """

    def __init__(self, roots: Sequence[Path | str], pdf_variant: str | None = PDF_VARIANT) -> None:
        self.roots = tuple(Path(r) for r in roots)
        self.pdf_variant = pdf_variant
        self.last_errors: tuple[str, ...] = ()
        self.last_refused: tuple[str, ...] = ()
        self._wp: Any = None
        self._fetcher: Any = None
        self._font_config: Any = None
        self._sheets: dict[tuple, Any] = {}

    @property
    def fetcher(self) -> Any:
        self._setup()
        return self._fetcher

    def _setup(self) -> Any:
        if self._wp is None:
            wp = load_weasyprint()
            from weasyprint.text.fonts import FontConfiguration
            from weasyprint.pdf import VARIANTS
            if self.pdf_variant not in VARIANTS:
                self.pdf_variant = None  # unknown to this WeasyPrint: plain tagged PDF instead
            self._fetcher = make_fetcher(self.roots)
            self._font_config = FontConfiguration()
            self._wp = wp
        return self._wp

    def prepare(self, stylesheets: Sequence[Path] = ()) -> None:
        """Load WeasyPrint and parse the stylesheets now (a worker's head start), not on the first render."""
        self._setup()
        for p in stylesheets:
            self._stylesheet(p)

    def _stylesheet(self, path: Path) -> Any:
        resolved = Path(path).resolve()
        if not _inside(resolved, self._fetcher.roots):
            raise ValueError(f"stylesheet {path} is outside the theme folders "
                             f"{', '.join(str(r) for r in self.roots)}")
        st = resolved.stat()
        key = (resolved, st.st_size, st.st_mtime_ns)
        if key not in self._sheets:
            self._sheets[key] = self._wp.CSS(url=resolved.as_uri(), url_fetcher=self._fetcher,
                                             font_config=self._font_config)
        return self._sheets[key]

    def render(self, html: str, base_url: str | None = None,
               stylesheets: Sequence[Path] = (), *, uncompressed: bool = False) -> bytes:
        """The PDF for one HTML page; `base_url` resolves its relative links (a theme folder)."""
        wp = self._setup()
        fetcher = self._fetcher
        start = len(fetcher.refused)
        logger = logging.getLogger("weasyprint")
        collect = _Collect()
        old_level = logger.level
        if logger.getEffectiveLevel() > logging.ERROR:
            logger.setLevel(logging.ERROR)
        logger.addHandler(collect)
        try:
            sheets = [self._stylesheet(p) for p in stylesheets]
            document = wp.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            options = dict(stylesheets=sheets, font_config=self._font_config,
                           presentational_hints=False, uncompressed_pdf=uncompressed)
            if self.pdf_variant:
                options["pdf_variant"] = self.pdf_variant
            else:
                options["pdf_tags"] = True
            return document.write_pdf(**options)
        finally:
            logger.removeHandler(collect)
            logger.setLevel(old_level)
            self.last_errors = tuple(collect.messages)
            self.last_refused = tuple(fetcher.refused[start:])


def write_atomic(out: Path, data: bytes) -> None:
    """Write `data` to `out` via a temporary file in the same folder and `os.replace`.

    The temporary file is created with mode 0o666 minus the umask, like any
    other build output, so readers never see a half-written PDF.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class RenderResult:
    """What happened to one job: `ok` means the file was written."""
    out: Path
    ok: bool
    errors: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()

    @property
    def problems(self) -> tuple[str, ...]:
        """WeasyPrint's errors and the URLs the fetcher refused, as lines to show."""
        return self.errors + tuple(f"refused {u}" for u in self.refused)


def _run(renderer: PdfRenderer, html: str, out: Path, base_url: str | None,
         stylesheets: Sequence[Path]) -> RenderResult:
    try:
        data = renderer.render(html, base_url, stylesheets)
    except PdfUnavailable:
        raise
    except Exception as exc:  # translate WeasyPrint's failure into a value, keep going
        return RenderResult(Path(out), False, renderer.last_errors + (f"{type(exc).__name__}: {exc}",),
                            renderer.last_refused)
    write_atomic(Path(out), data)
    return RenderResult(Path(out), True, renderer.last_errors, renderer.last_refused)


def _worker_main(conn: Any, roots: tuple[Path, ...], pdf_variant: str | None, stylesheets: tuple[Path, ...],
                 base_url: str | None, inherited: tuple[int, ...] = ()) -> None:
    """The entry point of a `PdfPool` worker process: set the process up, then `_serve`.

    `inherited`: descriptors a forked worker got from its parent (the parent's ends of the pipes);
    closed first, so that the worker sees end-of-file and exits if the parent dies."""
    import signal

    for fd in inherited:
        try:
            os.close(fd)
        except OSError:
            pass
    # Ctrl-C is reflect's to handle (it closes the pool); a worker printing a traceback would only add noise.
    # The parent blocked SIGINT around the fork (see PdfPool.start): ignore it, then unblock, so a
    # Ctrl-C that came in between is dropped here instead of interrupting the worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # No cyclic GC while a page renders: WeasyPrint's box trees are cyclic, but collecting during a
    # render cost 2.7 % of a `reflect report` worker's instructions and saved no memory (70 MB peak
    # either way); `_serve` collects a page's garbage before the next page instead.  freeze(): the
    # parent's objects stay out of the collector's way (and their memory pages stay shared).
    gc.disable()
    gc.freeze()
    _serve(conn, roots, pdf_variant, stylesheets, base_url)


def _serve(conn: Any, roots: tuple[Path, ...], pdf_variant: str | None, stylesheets: tuple[Path, ...],
           base_url: str | None) -> None:
    """Load WeasyPrint, then render (html, out) jobs from `conn` until told to stop (None or end-of-file)."""
    renderer = PdfRenderer(roots, pdf_variant)
    unavailable = None
    try:
        renderer.prepare(stylesheets)
    except PdfUnavailable as exc:
        unavailable = str(exc)
    except Exception:  # only a head start: a real job reports real errors
        pass
    rendered = 0
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        if rendered:
            gc.collect()   # the previous page's garbage (the cyclic GC is off, see _worker_main)
        rendered += 1
        html, out = job
        if unavailable is not None:
            reply: tuple = ("unavailable", unavailable)
        else:
            try:
                reply = ("done", _run(renderer, html, Path(out), base_url, stylesheets))
            except PdfUnavailable as exc:
                reply = ("unavailable", str(exc))
            except BaseException as exc:  # e.g. the file cannot be written: a result, not a dead worker
                reply = ("done", RenderResult(Path(out), False, (f"{type(exc).__name__}: {exc}",)))
        try:
            conn.send(reply)
        except (OSError, ValueError):   # reflect has gone away
            return


def _block_sigint() -> Any:
    """Block SIGINT in this thread (where that exists) and return the mask to restore."""
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _restore_sigmask(mask: Any) -> None:
    if mask is not None:
        import signal

        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _worker_context() -> Any:
    """How to start a worker: forked on Linux while this process is single-threaded and has not
    loaded WeasyPrint (GLib and Pango state must never be forked), which saves starting and
    importing a new interpreter (~0.1 s); spawned otherwise (macOS, Windows, `reflect serve`)."""
    import threading

    if sys.platform.startswith("linux") and "weasyprint" not in sys.modules and threading.active_count() == 1:
        return get_context("fork")
    return get_context("spawn")


class PdfPool:
    """WeasyPrint worker processes started ahead of the work they will do.

    `start(n)` launches up to `n` workers (see `_worker_context`: forked where that is safe, else
    spawned); each imports WeasyPrint and parses the stylesheets at once, so a caller that
    starts the pool before computing its pages overlaps WeasyPrint's ~0.5 s import with its own
    work.  (Rendering a small warm-up page as well was measured and did not make the first real
    page faster.)  `render(jobs)` hands (html, out) jobs to the workers as they become free
    and returns one `RenderResult` per job, in job order; files are written by the workers,
    atomically.  A job whose worker dies is tried once more on another worker, then reported as
    failed: a page that crashes WeasyPrint never runs in reflect's own process.  Jobs no worker
    took render here if every worker is gone.  With one core, no worker is started at all.
    `close()` (or leaving the `with` block) stops the workers, also those still
    warming up.
    """

    def __init__(self, roots: Sequence[Path | str], stylesheets: Sequence[Path] = (),
                 base_url: str | None = None, pdf_variant: str | None = PDF_VARIANT) -> None:
        self.roots = tuple(Path(r) for r in roots)
        self.stylesheets = tuple(Path(s) for s in stylesheets)
        self.base_url = base_url
        self.pdf_variant = pdf_variant
        self.max_workers = min(2, os.cpu_count() or 1)
        self._workers: list[tuple[Any, Any]] = []   # (process, connection)
        self._local: PdfRenderer | None = None

    def __enter__(self) -> "PdfPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, n: int = 2) -> "PdfPool":
        if self.max_workers < 2:   # one core: a worker would only compete with the caller; render here
            return self
        ctx = _worker_context()
        if ctx.get_start_method() == "fork":
            for stream in (sys.stdout, sys.stderr):   # or the child would write their buffers again
                try:
                    stream.flush()
                except (AttributeError, OSError, ValueError):
                    pass
        while len(self._workers) < min(n, self.max_workers):
            parent, child = ctx.Pipe()
            inherited = ()
            if ctx.get_start_method() == "fork":
                inherited = tuple(c.fileno() for _, c in self._workers) + (parent.fileno(),)
            proc = ctx.Process(target=_worker_main, daemon=True, name="reflect-pdf",
                               args=(child, self.roots, self.pdf_variant, self.stylesheets, self.base_url,
                                     inherited))
            mask = _block_sigint()   # until the worker ignores Ctrl-C itself
            try:
                try:
                    proc.start()
                except BaseException:
                    parent.close()
                    raise
                finally:
                    child.close()
                self._workers.append((proc, parent))
            finally:
                _restore_sigmask(mask)   # a Ctrl-C that came meanwhile is raised here, with the worker known
        return self

    def _render_here(self, html: str, out: Path) -> RenderResult:
        if self._local is None:
            self._local = PdfRenderer(self.roots, self.pdf_variant)
        elif not gc.isenabled():
            gc.collect()   # reflect runs without the cyclic GC: the previous page's garbage, as a worker does
        return _run(self._local, html, out, self.base_url, self.stylesheets)

    def render(self, jobs: Sequence[tuple[str, Path]]) -> list[RenderResult]:
        from multiprocessing.connection import wait

        results: list[RenderResult | None] = [None] * len(jobs)
        self.start(len(jobs))
        if not self._workers:
            return [self._render_here(html, Path(out)) for html, out in jobs]
        todo = list(range(len(jobs)))
        todo.reverse()                      # pop() takes the first job first
        tries = [0] * len(jobs)             # how many workers died while rendering each job
        busy: dict[Any, int] = {}           # connection -> job index
        idle = [conn for _, conn in self._workers]
        while todo or busy:
            while todo and idle:
                conn = idle.pop()
                i = todo.pop()
                try:
                    conn.send((jobs[i][0], str(jobs[i][1])))
                    busy[conn] = i
                except (OSError, ValueError):   # this worker is gone before it took the job
                    todo.append(i)
                    self._drop(conn)
            if not busy:
                # every worker is gone: jobs no worker died on render here; a job that
                # killed a worker is never run in reflect's own process
                for i in reversed(todo):
                    results[i] = self._render_here(jobs[i][0], Path(jobs[i][1])) if not tries[i] else \
                        RenderResult(Path(jobs[i][1]), False, ("the PDF worker stopped while rendering this page",))
                break
            for conn in wait(list(busy)):
                i = busy.pop(conn)
                try:
                    kind, value = conn.recv()
                except (EOFError, OSError):     # the worker died on this job: one more try elsewhere
                    code = self._drop(conn)
                    tries[i] += 1
                    if tries[i] < 2:
                        todo.append(i)
                    else:
                        results[i] = RenderResult(Path(jobs[i][1]), False, (
                            f"the PDF worker stopped while rendering this page (exit code {code}), twice",))
                    continue
                if kind == "unavailable":
                    raise PdfUnavailable(value)
                results[i] = value
                idle.append(conn)
        return results  # type: ignore[return-value]

    def _drop(self, conn: Any) -> int | None:
        """Forget a worker that is gone; its exit code."""
        for proc, c in list(self._workers):
            if c is conn:
                self._workers.remove((proc, c))
                c.close()
                proc.join(timeout=1)
                if proc.is_alive():
                    proc.kill()
                    proc.join(timeout=1)
                return proc.exitcode
        return None

    def close(self) -> None:
        """Stop every worker: idle ones finish at once, busy or warming ones are terminated."""
        for proc, conn in self._workers:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        for proc, conn in self._workers:
            proc.join(timeout=0.05)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=2)
                if proc.is_alive():
                    proc.kill()
            conn.close()
        self._workers = []


def render_many(jobs: Sequence[tuple[str, Path]], roots: Sequence[Path | str],
                stylesheets: Sequence[Path] = (), base_url: str | None = None,
                pdf_variant: str | None = PDF_VARIANT,
                renderer: PdfRenderer | None = None, pool: PdfPool | None = None) -> list[RenderResult]:
    """Render (html, out) jobs; results in job order.

    With `pool` (started early by the caller), the pool's workers render them.  Otherwise three
    or more jobs on a machine with two or more cores go to a new `PdfPool` of
    `min(2, os.cpu_count())` spawned workers; fewer jobs render in this process (with `renderer`
    if given).  A job that fails becomes a `RenderResult(ok=False)` with the reason;
    `PdfUnavailable` is raised.  Files are written atomically.
    """
    if pool is not None:
        return pool.render(jobs)
    roots_t = tuple(Path(r) for r in roots)
    sheets = tuple(Path(s) for s in stylesheets)
    workers = min(2, os.cpu_count() or 1)
    if len(jobs) < 3 or workers < 2:
        local = renderer or PdfRenderer(roots_t, pdf_variant)
        return [_run(local, html, Path(out), base_url, sheets) for html, out in jobs]
    with PdfPool(roots_t, sheets, base_url, pdf_variant) as new_pool:
        return new_pool.render(jobs)
