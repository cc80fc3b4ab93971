"""`reflect doctor`: what PDF output needs, and whether this machine has it.

Versions of reflect, Python and the libraries, whether ruamel's C parser is
used, WeasyPrint with Pango and HarfBuzz-subset, and the report font; for
whatever is missing, what to install.
"""
from __future__ import annotations

import sys

from reflect import __version__
from reflect.cli import EXIT_OK
from reflect.console import Console, plural


def _version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def doctor_lines() -> list[tuple[str, str, str]]:
    """(component, status, advice) for every library behind the site and the PDFs."""
    import ctypes.util
    import platform
    import subprocess

    rows: list[tuple[str, str, str]] = []
    rows.append(("reflect", __version__, ""))
    rows.append(("Python", f"{platform.python_version()} ({sys.executable})", ""))
    for dist, need in (("jinja2", "pip install 'jinja2>=3.1.6'"), ("markdown-it-py", "pip install 'markdown-it-py>=4.1'")):
        v = _version(dist)
        rows.append((dist, v or "missing", "" if v else need))
    v = _version("ruamel.yaml")
    try:
        from ruamel.yaml import YAML

        parser = YAML(typ="safe").Parser
        c_parser = "CParser" in getattr(parser, "__name__", str(parser))
    except Exception:  # noqa: BLE001 - doctor reports, never fails
        c_parser = False
    rows.append(("ruamel.yaml", f"{v or 'missing'}, C parser {'in use' if c_parser else 'not available'}",
                 "" if c_parser else "pip install 'ruamel.yaml[oldlibyaml]' for a faster journal load"))
    wv = _version("weasyprint")
    pango = "?"
    try:
        from reflect.pdf import load_weasyprint

        wp = load_weasyprint()
        rows.append(("WeasyPrint", wp.__version__, ""))
        try:
            from weasyprint.text.ffi import pango as _pango

            pv = _pango.pango_version()
            pango = f"{pv // 10000}.{pv // 100 % 100}.{pv % 100}"
        except Exception:  # noqa: BLE001
            pango = "loaded (version unknown)"
        rows.append(("Pango", pango, ""))
    except Exception as exc:  # noqa: BLE001 - PdfUnavailable or anything the import throws
        rows.append(("WeasyPrint", f"{wv or 'not installed'}: cannot load ({str(exc).split('.')[0]})",
                     "PDFs need it: pip install 'weasyprint>=70' and the Pango libraries "
                     "(Debian/Ubuntu: sudo apt install libpango-1.0-0 libpangoft2-1.0-0); "
                     "'reflect build --no-pdf' works without"))
        rows.append(("Pango", "not loaded", "Debian/Ubuntu: sudo apt install libpango-1.0-0 libpangoft2-1.0-0"))
    hb = ctypes.util.find_library("harfbuzz-subset")
    loaded = False
    if hb:
        try:
            ctypes.CDLL(hb)
            loaded = True
        except OSError:
            loaded = False
    rows.append(("libharfbuzz-subset", f"loads ({hb})" if loaded else "not found",
                 "" if loaded else "PDFs render ~45 % faster with it: sudo apt install libharfbuzz-subset0"))
    fonts = ""
    try:
        res = subprocess.run(["fc-list", ":family=DejaVu Sans", "family"], capture_output=True, text=True, timeout=10)
        fonts = res.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        fonts = ""
    rows.append(("DejaVu fonts", "found" if fonts else "not found (or fc-list missing)",
                 "" if fonts else "the PDF's font: sudo apt install fonts-dejavu-core"))
    return rows


def cmd_doctor(args, con: Console) -> int:
    rows = doctor_lines()
    width = max(len(r[0]) for r in rows)
    missing = 0
    for name, status, advice in rows:
        con.print(f"{name:<{width}}  {status}")
        if advice:
            missing += 1
            con.print(f"{'':<{width}}  {con.style('→ ' + advice, 'yellow')}")
    con.print()
    con.print("everything reflect needs is in place" if not missing else
              f"{plural(missing, 'thing')} to look at (see the arrows); the HTML site builds regardless")
    return EXIT_OK
