#!/usr/bin/env python3
"""Time `reflect` as whole processes on generated journals and print a Markdown table.

    python bench/run.py                          # 10,000 entries: check cold / warm / one file changed
    python bench/run.py --sizes 10000,100000 --build --peers --peers-venv /tmp/peers-venv

Each command runs as its own process: one warm-up run, then --runs timed runs;
the table gives the median wall time (with min-max), the median user+sys CPU
time and the median peak RSS of the process (from os.wait4's rusage). Standard
library only. See bench/README.md for what each row means.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
AS_OF = "2026-11-27"
MB = 1_000_000

# Targets (from the project's performance goals): row id -> size -> (max wall s, max peak bytes).
# size None = not tied to a generated journal (the example project at the repository root).
TARGETS: dict[str, dict[int | None, tuple[float | None, int | None]]] = {
    "check-cold": {10_000: (1.0, None), 100_000: (10.0, 600 * MB)},
    "check-warm": {10_000: (0.3, None), 100_000: (1.5, 600 * MB)},
    "check-one": {10_000: (0.4, None), 100_000: (None, 600 * MB)},
    "build-cold": {10_000: (4.0, None)},
    "build-warm": {10_000: (1.0, None)},
    "example-pdf": {None: (5.0, None)},
    "example-warm": {None: (1.0, None)},
    "example-one": {None: (3.0, None)},
    "report": {None: (1.5, None)},
}


# ---------------------------------------------------------------- measuring


@dataclass
class Run:
    code: int
    wall: float
    cpu: float
    rss: int  # bytes
    stderr: str


@dataclass
class Row:
    rid: str  # target key ("" when none)
    label: str
    size: int | None
    cmd: list[str] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    skipped: str = ""  # why, when not measured
    note: str = ""  # stderr tail etc.


def rss_bytes(maxrss: int) -> int:
    return maxrss if sys.platform == "darwin" else maxrss * 1024


# Children run as a user's shell would run them. Some sandboxes export
# PYTHONDONTWRITEBYTECODE=1, which makes every run recompile reflect's modules
# (~50 ms): not what a user sees after the first run, so it is dropped here.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(cmd: list[str], cwd: Path, timeout: float) -> Run:
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, env=CHILD_ENV,
                                stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # already reaped
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if code < 0 and wall >= timeout:
        text += f"\n(killed after the {timeout:g} s timeout)"
    return Run(code, wall, usage.ru_utime + usage.ru_stime, rss_bytes(usage.ru_maxrss), text)


def tail(text: str, lines: int = 12) -> str:
    rows = text.rstrip().splitlines()
    return "\n".join(rows[-lines:]) if rows else "(no stderr)"


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.rows: list[Row] = []
        self.ok_codes = {int(c) for c in args.ok_codes.split(",")}

    def measure(self, rid: str, label: str, size: int | None, cmd: list[str],
                before: Callable[[int], None] | None = None,
                after: Callable[[int], None] | None = None,
                cwd: Path = REPO) -> Row:
        row = Row(rid, label, size, cmd)
        self.rows.append(row)
        shown = " ".join(shlex.quote(c) for c in cmd)
        print(f"[bench] {label} ({size or '-'}): {shown}", file=sys.stderr, flush=True)
        for i in range(self.args.runs + 1):  # run 0 is the warm-up
            if before:
                before(i)
            try:
                r = run_once(cmd, cwd, self.args.timeout)
            except OSError as exc:
                row.skipped = "cannot run"
                row.note = f"$ {shown}\n{exc}"
                return row
            finally:
                if after:
                    after(i)
            if r.code not in self.ok_codes:
                row.skipped = f"exit {r.code}" + (" in warm-up" if i == 0 else f" in run {i}")
                row.note = f"$ {shown}\n{tail(r.stderr)}"
                row.runs = []
                print(f"[bench]   skipped: {row.skipped}", file=sys.stderr, flush=True)
                return row
            if i:
                row.runs.append(r)
        w = statistics.median(r.wall for r in row.runs)
        print(f"[bench]   median {w:.3f} s", file=sys.stderr, flush=True)
        return row

    def missing(self, label: str, size: int | None, why: str = "not installed") -> Row:
        row = Row("", label, size, skipped=why)
        self.rows.append(row)
        print(f"[bench] {label} ({size or '-'}): {why}", file=sys.stderr, flush=True)
        return row


# ---------------------------------------------------------------- helpers


def default_reflect() -> list[str]:
    exe = Path(sys.executable).parent / ("reflect.exe" if os.name == "nt" else "reflect")
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe)]
    return [sys.executable, "-m", "reflect"]


def first_line(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "not available"
    text = (p.stdout or p.stderr).strip().splitlines()
    if p.returncode != 0 or not text:
        return "not available"
    return text[0].strip()


def rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def generate_journal(size: int, args: argparse.Namespace) -> Path:
    folder = OUT / f"journal-{size}"
    print(f"[bench] generating {folder.relative_to(REPO)}", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(BENCH / "gen_journal.py"), "--entries", str(size),
                    "--people", str(args.people), "--seed", str(args.seed), "--out", str(folder)],
                   check=True)
    return folder


def latest_month_file(project: Path) -> Path:
    files = sorted((project / "journal").glob("[0-9][0-9][0-9][0-9]/[0-9][0-9].yaml"))
    if not files:
        raise SystemExit(f"no month files in {project / 'journal'}")
    return files[-1]


def some_person(project: Path) -> str:
    for line in (project / "journal" / "people.yaml").read_text(encoding="utf-8").splitlines():
        if line and line[0].isalnum() and line.endswith(":"):
            return line[:-1]
    raise SystemExit("no person in people.yaml")


class OneFileChange:
    """Appends a fresh valid entry to the latest month file before a run, restores it after."""

    def __init__(self, project: Path, path: Path | None = None, grow: bool = False):
        self.path = path or latest_month_file(project)
        self.grow = grow  # run N appends N entries, so the week's numbers (and its PDF) differ every run
        self.original = self.path.read_bytes()
        self.person = some_person(project)
        year, month = self.path.parent.name, self.path.stem
        self.date = AS_OF if AS_OF.startswith(f"{year}-{month}") else f"{year}-{month}-01"
        self.count = 0

    def before(self, _i: int) -> None:
        self.count += 1  # a different text every run, so no cache can have seen it
        text = self.original.decode("utf-8")
        if not text.endswith("\n"):
            text += "\n"
        for k in range(self.count if self.grow else 1):
            text += (f"\n- date: {self.date}\n  with: {self.person}\n"
                     f"  gave: Benchmark edit number {self.count}.{k}\n  size: medium\n")
        self.path.write_bytes(text.encode("utf-8"))

    def restore(self, _i: int = 0) -> None:
        self.path.write_bytes(self.original)


# ---------------------------------------------------------------- the benchmarks


def bench_reflect(b: Bench, size: int, project: Path, reflect: list[str]) -> None:
    cache = project / ".reflect"
    check = reflect + ["check", "--project", str(project), "--as-of", AS_OF]
    b.measure("check-cold", "`reflect check` cold (no cache)", size, check,
              before=lambda i: rmtree(cache))
    b.measure("check-warm", "`reflect check` warm (nothing changed)", size, check)
    change = OneFileChange(project)
    try:
        b.measure("check-one", "`reflect check` one file changed", size, check,
                  before=change.before, after=change.restore)
    finally:
        change.restore()
    if b.args.build and size <= 10_000:  # the build targets are set for 10k entries
        site = project / "site"
        build = reflect + ["build", "--project", str(project), "--as-of", AS_OF,
                           "--no-pdf", "--out", str(site)]

        def clean(_i: int) -> None:
            rmtree(cache)
            rmtree(site)

        b.measure("build-cold", "`reflect build --no-pdf` cold", size, build, before=clean)
        b.measure("build-warm", "`reflect build --no-pdf` nothing changed", size, build)


def bench_example(b: Bench, reflect: list[str]) -> None:
    """The example journal, copied out of the repository (nothing in the tree is touched)."""
    project = OUT / "example-project"
    rmtree(project)
    project.mkdir(parents=True)
    shutil.copytree(REPO / "journal", project / "journal")
    shutil.copy(REPO / "reflect.yaml", project / "reflect.yaml")
    site = project / "site"
    pdf = OUT / "example-report.pdf"
    build = reflect + ["build", "--project", str(project), "--as-of", AS_OF]

    def clean(_i: int) -> None:
        rmtree(project / ".reflect")
        rmtree(site)

    b.measure("example-pdf", "`reflect build` with PDFs, example journal, cold", None, build,
              before=clean)
    b.measure("example-warm", "`reflect build` with PDFs, example, nothing changed", None, build)
    # this week's file, so the week's page and PDF must be made again
    change = OneFileChange(project, project / "journal" / AS_OF[:4] / f"{AS_OF[5:7]}.yaml", grow=True)
    try:
        b.measure("example-one", "`reflect build` with PDFs, example, one entry added this week", None, build,
                  before=change.before, after=change.restore)
    finally:
        change.restore()

    def no_pdf_cache(_i: int) -> None:
        rmtree(project / ".reflect" / "pdf-cache")

    b.measure("report", "`reflect report` one PDF, example journal (no PDF cached)", None,
              reflect + ["report", "--project", str(project), "--as-of", AS_OF, "-o", str(pdf)],
              before=no_pdf_cache)


@dataclass
class Peers:
    gen: Path
    hledger: str | None
    bean_check: str | None
    yaml_python: str | None
    yaml_loader: str  # CSafeLoader, or SafeLoader without libyaml


def find_peers(args: argparse.Namespace) -> Peers:
    shared = Path(args.shared).resolve()
    gen = shared / "bench" / "peers" / "gen_ledgers.py"
    if not gen.is_file():
        raise SystemExit(f"--peers: {gen} not found (give --shared DIR)")
    venv_bin = Path(args.peers_venv) / "bin" if args.peers_venv else None

    def in_venv(name: str) -> str | None:
        if venv_bin and (venv_bin / name).is_file():
            return str(venv_bin / name)
        return None

    bean = in_venv("bean-check") or shutil.which("bean-check")
    pythons = [py for py in (in_venv("python"), sys.executable) if py]
    yaml_python, loader = None, "CSafeLoader"
    probe = "import yaml; print('C' if getattr(yaml, '__with_libyaml__', False) else 'py')"
    for py in pythons:
        p = subprocess.run([py, "-c", probe], capture_output=True, text=True)
        if p.returncode == 0:
            yaml_python = py
            loader = "CSafeLoader" if p.stdout.strip() == "C" else "SafeLoader"
            if loader == "CSafeLoader":
                break
    return Peers(gen, shutil.which("hledger"), bean, yaml_python, loader)


def bench_peers(b: Bench, size: int, peers: Peers, args: argparse.Namespace) -> None:
    prefix = OUT / "peers" / f"n{size}"
    prefix.parent.mkdir(parents=True, exist_ok=True)
    print(f"[bench] generating peer ledgers {prefix.relative_to(REPO)}.*", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(peers.gen), "--exchanges", str(size), "--people",
                    str(min(args.people, 676)), "--seed", str(args.seed), "--out", str(prefix)],
                   check=True)
    journal, beancount, yml = (f"{prefix}.journal", f"{prefix}.beancount", f"{prefix}.yaml")
    if peers.hledger:
        b.measure("", "peer: `hledger check`", size, [peers.hledger, "-f", journal, "check"])
        b.measure("", "peer: `hledger bal`", size, [peers.hledger, "-f", journal, "bal"])
    else:
        b.missing("peer: `hledger check`", size)
        b.missing("peer: `hledger bal`", size)
    if peers.bean_check:
        pickle = prefix.parent / f".{prefix.name}.beancount.picklecache"
        b.measure("", "peer: `bean-check -C` (no cache)", size, [peers.bean_check, "-C", beancount],
                  before=lambda i: pickle.unlink(missing_ok=True))
    else:
        b.missing("peer: `bean-check -C` (no cache)", size)
    label = f"peer: PyYAML `{peers.yaml_loader}` load of the same list"
    if peers.yaml_python:
        code = ("import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), "
                f"Loader=yaml.{peers.yaml_loader})")
        b.measure("", label, size, [peers.yaml_python, "-c", code, yml])
    else:
        b.missing("peer: PyYAML `CSafeLoader` load of the same list", size)


# ---------------------------------------------------------------- report


def fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.2f}"


def fmt_target(rid: str, size: int | None) -> tuple[str, float | None, int | None]:
    t = TARGETS.get(rid, {}).get(size)
    if not t:
        return "", None, None
    wall, mem = t
    parts = []
    if wall is not None:
        parts.append(f"≤ {wall:g} s")
    if mem is not None:
        parts.append(f"≤ {mem // MB} MB")
    return ", ".join(parts), wall, mem


def render(b: Bench, header: list[str]) -> str:
    out = ["# reflect benchmark", ""]
    out += [f"- {h}" for h in header]
    out += ["", "| benchmark | entries | wall s, median (min–max) | cpu s | peak RSS MiB | target | result |",
            "| --- | ---: | --- | ---: | ---: | --- | --- |"]
    notes: list[str] = []
    for row in b.rows:
        size = f"{row.size:,}" if row.size else ("example" if row.rid else "—")
        target, max_wall, max_mem = fmt_target(row.rid, row.size)
        if row.skipped:
            if row.note:
                if row.note not in notes:
                    notes.append(row.note)
                why = f"skipped: {row.skipped} (note {notes.index(row.note) + 1})"
            else:
                why = row.skipped
            out.append(f"| {row.label} | {size} | {why} | | | {target or '—'} | "
                       f"{'skipped' if target else '—'} |")
            continue
        walls = [r.wall for r in row.runs]
        wall = statistics.median(walls)
        cpu = statistics.median(r.cpu for r in row.runs)
        rss = statistics.median(r.rss for r in row.runs)
        peak = max(r.rss for r in row.runs)
        if target:
            ok = (max_wall is None or wall <= max_wall) and (max_mem is None or peak <= max_mem)
            result = "pass" if ok else "**MISS**"
        else:
            result = "—"
        out.append(f"| {row.label} | {size} | {fmt_s(wall)} ({fmt_s(min(walls))}–{fmt_s(max(walls))}) | "
                   f"{fmt_s(cpu)} | {rss / 2**20:.0f} | {target or '—'} | {result} |")
    if notes:
        out += ["", "Notes (stderr tail of skipped commands):", ""]
        for i, note in enumerate(notes, 1):
            out += [f"{i}.", "", "```", note, "```", ""]
    side = side_by_side(b)
    if side:
        out += ["", "Side by side (median wall s; same number of exchanges):", ""] + side
    return "\n".join(out).rstrip() + "\n"


SHORT = {
    "`reflect check` cold (no cache)": "reflect check cold",
    "`reflect check` warm (nothing changed)": "reflect check warm",
    "`reflect check` one file changed": "reflect check one changed",
    "peer: `bean-check -C` (no cache)": "bean-check -C",
    "peer: PyYAML `CSafeLoader` load of the same list": "PyYAML CSafeLoader",
    "peer: PyYAML `SafeLoader` load of the same list": "PyYAML SafeLoader",
    "peer: `hledger check`": "hledger check",
    "peer: `hledger bal`": "hledger bal",
}


def side_by_side(b: Bench) -> list[str]:
    peers = [r for r in b.rows if r.label.startswith("peer:")]
    if not peers:
        return []
    cols: list[str] = []
    for r in b.rows:
        if r.size and r.label not in cols and (r.rid.startswith("check") or r.label.startswith("peer:")):
            cols.append(r.label)
    sizes = sorted({r.size for r in b.rows if r.size})
    short = [SHORT.get(c, c.replace("peer: ", "")) for c in cols]
    lines = ["| entries | " + " | ".join(short) + " |", "| ---: |" + " ---: |" * len(cols)]
    for s in sizes:
        cells = []
        for c in cols:
            row = next((r for r in b.rows if r.size == s and r.label == c), None)
            if row is None or row.skipped or not row.runs:
                cells.append("—")
            else:
                cells.append(fmt_s(statistics.median(r.wall for r in row.runs)))
        lines.append(f"| {s:,} | " + " | ".join(cells) + " |")
    return lines


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000", help="comma-separated entry counts (default 10000)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per command after one warm-up (default 5)")
    ap.add_argument("--reflect", help="command that runs reflect (default: `reflect` next to this "
                    "Python, else `python -m reflect`)")
    ap.add_argument("--build", action="store_true", help="also time `reflect build` and `reflect report`")
    ap.add_argument("--peers", action="store_true", help="also time hledger, bean-check and PyYAML")
    ap.add_argument("--peers-venv", help="virtualenv with beancount and PyYAML (for --peers)")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"),
                    help="the shared folder with bench/peers/gen_ledgers.py (default ../shared)")
    ap.add_argument("--people", type=int, default=200, help="people in the generated journals (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds before one run is killed")
    ap.add_argument("--ok-codes", default="0", help="exit codes that count as success (default 0)")
    ap.add_argument("--output", "-o", help="also write the Markdown table to this file")
    args = ap.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error("--sizes takes numbers, e.g. 10000,100000")
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    reflect = shlex.split(args.reflect) if args.reflect else default_reflect()
    OUT.mkdir(parents=True, exist_ok=True)
    b = Bench(args)
    peers = find_peers(args) if args.peers else None

    header = [
        f"date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; "
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"reflect: `{' '.join(reflect)}` ({first_line(reflect + ['--version'])})",
        f"journals: bench/gen_journal.py, {args.people} people, seed {args.seed}, as of {AS_OF}; "
        f"median of {args.runs} runs after one warm-up",
    ]
    if peers:
        header.append(f"peers: {first_line([peers.hledger, '--version']) if peers.hledger else 'hledger not installed'}; "
                      f"{first_line([peers.bean_check, '--version']) if peers.bean_check else 'bean-check not installed'}; "
                      + (f"PyYAML {first_line([peers.yaml_python, '-c', 'import yaml; print(yaml.__version__)'])} "
                         f"({peers.yaml_loader})" if peers.yaml_python else "PyYAML not installed"))

    b.measure("", "`python -c pass` (interpreter floor)", None, [sys.executable, "-c", "pass"])
    for size in sizes:
        project = generate_journal(size, args)
        bench_reflect(b, size, project, reflect)
        if peers:
            bench_peers(b, size, peers, args)
    if args.build:
        bench_example(b, reflect)

    text = render(b, header)
    print(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
