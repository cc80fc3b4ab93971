"""`reflect build` / `report` / `doctor` on the example journal: pages, links, order, determinism, safety of --out."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import REPO_ROOT, run_cli

AS_OF = "2026-11-27"
CURRENT = "2026-W48"


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO_ROOT / "journal", dest / "journal")
    shutil.copy(REPO_ROOT / "reflect.yaml", dest / "reflect.yaml")
    return dest


def build(project: Path, out: Path | None = None, *extra: str) -> tuple[int, str, str]:
    argv = ["build", "--project", project, "--as-of", AS_OF, *extra]
    if out is not None:
        argv += ["--out", out]
    return run_cli(argv)


class Page(HTMLParser):
    """Links, ids, headings and tags of one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []   # (tag, attr, value)
        self.ids: set[str] = set()
        self.headings: list[tuple[int, str]] = []
        self.tags: list[tuple[str, dict]] = []
        self._heading: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        for key in ("href", "src", "xlink:href", "action", "poster", "data"):
            if a.get(key) is not None:
                self.links.append((tag, key, a[key]))
        if a.get("id"):
            self.ids.add(a["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]

    def handle_endtag(self, tag):
        if self._heading is not None and re.fullmatch(r"h[1-6]", tag):
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = copy_example(tmp_path_factory.mktemp("example"))
    code, out, err = build(project, None, "--no-pdf")
    assert code == 0, err
    return project / "site"


def _weeks(project_site: Path) -> list[str]:
    from reflect.project import load_project
    from reflect.report import report_weeks
    import datetime as dt

    project = load_project(project_site.parent, use_cache=False)
    return report_weeks(project, dt.date.fromisoformat(AS_OF))


def test_every_page_exists(site: Path):
    from reflect.project import load_project

    project = load_project(site.parent, use_cache=False)
    expected = ["index.html", "principles.html", "style.css", "weeks/index.html", "people/index.html", ".reflect-site"]
    expected += [f"weeks/{w}.html" for w in _weeks(site)]
    expected += [f"people/{pid}.html" for pid in project.journal.people]
    missing = [e for e in expected if not (site / e).is_file()]
    assert not missing
    assert f"weeks/{CURRENT}.html" in expected
    # the stylesheet is the theme's, byte for byte
    from reflect.render import theme_dir
    assert (site / "style.css").read_bytes() == (theme_dir() / "style.css").read_bytes()


def test_every_internal_link_resolves(site: Path):
    broken = []
    pages = sorted(site.rglob("*.html"))
    parsed = {p: parse(p) for p in pages}
    for page, doc in parsed.items():
        for tag, attr, value in doc.links:
            parts = urlsplit(value)
            assert not value.startswith("/"), f"{page}: absolute path {value}"
            assert parts.scheme in ("", "http", "https", "mailto"), f"{page}: {value}"
            if parts.scheme:
                continue
            if not parts.path:          # in-page anchor
                if parts.fragment and parts.fragment not in doc.ids:
                    broken.append((page.relative_to(site), value))
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append((page.relative_to(site), value))
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in parsed[target].ids:
                broken.append((page.relative_to(site), value))
    assert not broken, broken[:20]


def test_week_page_has_the_eight_sections_in_order(site: Path):
    from reflect.build import WEEK_SECTIONS

    doc = parse(site / "weeks" / f"{CURRENT}.html")
    h2 = [text for level, text in doc.headings if level == 2]
    positions = [h2.index(s) for s in WEEK_SECTIONS]
    assert positions == sorted(positions), h2
    assert len(WEEK_SECTIONS) == 8


def test_headings_in_order_on_every_page(site: Path):
    for page in site.rglob("*.html"):
        levels = [level for level, _ in parse(page).headings]
        assert levels and levels[0] == 1 and levels.count(1) == 1, page
        for a, b in zip(levels, levels[1:]):
            assert b <= a + 1, f"{page.relative_to(site)}: h{a} followed by h{b}"


def test_pages_have_lang_title_and_relative_stylesheet(site: Path):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>\n<html lang=\"en\">"), page
        assert re.search(r"<title>[^<]+</title>", text), page
        depth = len(page.relative_to(site).parts) - 1
        assert f'href="{"../" * depth}style.css"' in text, page
        assert "The currency of reciprocity: building influence through favours and exchanges" in text


def test_templates_use_warm_words_only():
    from reflect.render import theme_dir

    banned = re.compile(r"\b(owes?|owed|owing|debts?|scores?)\b", re.I)
    for path in sorted(theme_dir().glob("*.html")):
        hits = banned.findall(path.read_text(encoding="utf-8"))
        assert not hits, f"{path.name}: {hits}"
    from reflect import build as b
    for words in (b.ACT_WORDS, b.SEVERITY_WORDS, b.LEVEL_WORDS):
        assert not banned.search(" ".join(words.values()))


def test_the_network_map_is_explained_in_the_page_text(site: Path):
    # where each level sits is page text (read by screen readers, set by words in print), not a
    # sentence drawn inside the chart
    for page in (site / "index.html", site / "weeks" / f"{CURRENT}.html"):
        section = re.search(r'<section id="network".*?</section>', page.read_text(encoding="utf-8"), re.S).group(0)
        assert re.search(r"<p>[^<]*seniors above, peers at the sides, juniors below[^<]*outer ring", section), page
        assert "outer ring" not in re.search(r"<svg.*?</svg>", section, re.S).group(0)


def test_no_page_embeds_every_entry(site: Path):
    # 144 entries in the example: the dashboard links out instead of listing them
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.count('class="entry ') == 0
    week = (site / "weeks" / f"{CURRENT}.html").read_text(encoding="utf-8")
    assert 0 < week.count('<li class="entry ') < 40


def test_week_links_to_people_and_neighbours(site: Path):
    doc = parse(site / "weeks" / "2026-W47.html")
    hrefs = {v for _, _, v in doc.links}
    assert "2026-W46.html" in hrefs and "2026-W48.html" in hrefs
    assert any(h.startswith("../people/") for h in hrefs)


def test_build_is_deterministic(tmp_path: Path):
    project = copy_example(tmp_path / "p")
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(project, a, "--no-pdf")[0] == 0
    assert build(project, b, "--no-pdf", "--no-cache")[0] == 0
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def _stats(folder: Path) -> dict:
    return {p.relative_to(folder): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_rebuild_rewrites_no_unchanged_file(tmp_path: Path):
    project = copy_example(tmp_path / "p")
    out = tmp_path / "site"
    assert build(project, out, "--no-pdf")[0] == 0
    before = _stats(out)
    code, stdout, _ = build(project, out, "--no-pdf")
    assert code == 0
    assert stdout.rstrip().endswith("(nothing changed)"), stdout   # stopped at the input hash
    assert _stats(out) == before
    # a change to one week rewrites that week (and pages that show it), keeps the rest
    march = project / "journal" / "2026" / "08.yaml"
    march.write_text(march.read_text(encoding="utf-8").replace("gave: ", "gave: Gladly ", 1), encoding="utf-8")
    assert build(project, out, "--no-pdf")[0] == 0
    after = _stats(out)
    assert after[Path("style.css")] == before[Path("style.css")]
    assert sum(1 for k in before if after.get(k) == before[k]) >= len(before) // 3
    assert any(after[k] != before[k] for k in before if k.parts[0] == "weeks")


def test_summary_line_and_progress_quiet_off_terminal(tmp_path: Path):
    project = copy_example(tmp_path / "p")
    code, out, err = build(project, None, "--no-pdf")
    assert code == 0
    assert re.fullmatch(r"built \d+ pages into \S*site/ in \d+\.\d s\n", out), out
    assert err == ""


@pytest.mark.parametrize("where", ["root", "journal", "inside-journal", "parent", "foreign", "file"])
def test_refuses_dangerous_output_folders(tmp_path: Path, where: str):
    project = copy_example(tmp_path / "home" / "p")
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("precious too", encoding="utf-8")
    out = {"root": project, "journal": project / "journal", "inside-journal": project / "journal" / "site",
           "parent": tmp_path / "home", "foreign": foreign, "file": tmp_path / "notes.txt"}[where]
    snapshot = sorted(str(p) for p in tmp_path.rglob("*"))
    code, stdout, err = build(project, out, "--no-pdf")
    assert code == 2, (stdout, err)
    assert err.startswith("reflect: --out ") and "Traceback" not in err
    said = {"journal": " is the journal folder ", "inside-journal": " is inside the journal folder "}
    assert said.get(where, "") in err, err
    assert sorted(str(p) for p in tmp_path.rglob("*")) == snapshot
    assert (foreign / "thesis.txt").read_text(encoding="utf-8") == "precious"


def test_replaces_only_its_own_folder(tmp_path: Path):
    project = copy_example(tmp_path / "p")
    out = tmp_path / "out"
    out.mkdir()                                  # an empty folder is fine
    assert build(project, out, "--no-pdf")[0] == 0
    assert (out / ".reflect-site").is_file()
    (out / "stale.html").write_text("old", encoding="utf-8")
    assert build(project, out, "--no-pdf")[0] == 0
    assert not (out / "stale.html").exists()    # reflect's own folder is replaced whole
    assert not list(tmp_path.glob(".out.*"))    # no temporary folders left behind


def test_journal_errors_stop_the_build(tmp_path: Path):
    project = copy_example(tmp_path / "p")
    (project / "journal" / "2026" / "broken.yaml").write_text("- date: 2026-11-02\n  with: nobody-known\n  gave: x\n",
                                                               encoding="utf-8")
    code, out, err = build(project, None, "--no-pdf")
    assert code == 1
    assert "broken.yaml" in err and "nothing was written" in err
    assert not (project / "site").exists()


def test_no_pdf_works_without_weasyprint(tmp_path: Path):
    """A machine without Pango: WeasyPrint's import fails with OSError, in this process and in workers."""
    project = copy_example(tmp_path / "p")
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0'\")\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(fake.parent), str(REPO_ROOT)]))
    base = [sys.executable, "-m", "reflect", "build", "--project", str(project), "--as-of", AS_OF]
    ok = subprocess.run(base + ["--no-pdf"], capture_output=True, text=True, timeout=120, env=env)
    assert ok.returncode == 0, ok.stderr
    assert (project / "site" / "index.html").is_file()
    before = _stats(project / "site")
    fail = subprocess.run(base, capture_output=True, text=True, timeout=120, env=env)
    assert fail.returncode == 1, fail.stdout
    assert "libpango" in fail.stderr and "--no-pdf" in fail.stderr and "Traceback" not in fail.stderr
    assert _stats(project / "site") == before          # the old site stays as it was


def test_report_rejects_bad_weeks(tmp_path: Path):
    project = copy_example(tmp_path / "p")
    for week, words in (("2026-48", "not an ISO week"), ("2026-W54", "has no week"), ("2027-W10", "starts after")):
        code, _, err = run_cli(["report", week, "--project", project, "--as-of", AS_OF, "-o", tmp_path / "x.pdf"])
        assert code == 2 and words in err, err


@pytest.mark.parametrize("command", [["report", "-o", "x.pdf"], ["week"], ["share", "--html", "-o", "s.html"]])
def test_a_week_outside_the_journals_years_is_a_usage_error_not_a_crash(tmp_path: Path, command):
    project = copy_example(tmp_path / "p")
    for week in ("0001-W01", "9999-W52"):
        args = [command[0], week, *command[1:], "--project", project, "--as-of", AS_OF]
        code, _, err = run_cli([tmp_path / a if str(a).endswith((".pdf", ".html")) else a for a in args])
        assert code == 2, err
        assert f"'{week}': choose a week between 1900 and 2999" in err and "internal error" not in err
    if command[0] == "share":
        code, _, err = run_cli(["share", "--weeks", "2026-W40..9999-W52", "--html", "-o", tmp_path / "s.html",
                                "--project", project, "--as-of", AS_OF])
        assert code == 2 and "choose a week between" in err, err


def test_doctor_lists_the_libraries():
    code, out, err = run_cli(["doctor"])
    assert code == 0
    for name in ("reflect", "Python", "jinja2", "markdown-it-py", "ruamel.yaml", "WeasyPrint", "Pango",
                 "libharfbuzz-subset", "DejaVu fonts"):
        assert re.search(rf"^{re.escape(name)}\s", out, re.M), name


def test_theme_ships_in_the_wheel_layout(tmp_path: Path):
    """An installed reflect finds its templates inside the package (reflect/templates/)."""
    from reflect import render

    fake = tmp_path / "site-packages" / "reflect"
    shutil.copytree(Path(render.__file__).parent, fake, ignore=shutil.ignore_patterns("__pycache__", "templates"))
    shutil.copytree(render.theme_dir(), fake / "templates")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import reflect.render as r; "
            "print(r.theme_dir())")
    res = subprocess.run([sys.executable, "-c", code, str(fake.parent)], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert Path(res.stdout.strip()) == fake / "templates"


# ---------------------------------------------------------------- PDFs

def _weasyprint_problem() -> str | None:
    try:
        from reflect.pdf import load_weasyprint
        load_weasyprint()
    except Exception as exc:  # noqa: BLE001
        return f"WeasyPrint cannot load here: {exc}"
    if not shutil.which("pdftotext") or not shutil.which("pdfinfo"):
        return "poppler-utils (pdftotext, pdfinfo) not installed"
    return None


needs_pdf = pytest.mark.skipif(_weasyprint_problem() is not None, reason=str(_weasyprint_problem()))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-isodates", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


@pytest.fixture(scope="module")
def pdf_site(tmp_path_factory) -> Path:
    if _weasyprint_problem():
        pytest.skip(_weasyprint_problem())
    project = copy_example(tmp_path_factory.mktemp("pdf"))
    code, out, err = build(project)
    assert code == 0, err
    return project / "site"


@pytest.mark.pdf
@needs_pdf
def test_pdfs_next_to_recent_week_pages(pdf_site: Path):
    from reflect.config import Config

    default = Config(root=Path(".")).pdf_weeks  # the example sets no pdf_weeks
    weeks = _weeks(pdf_site)
    with_pdf = [w for w in weeks if (pdf_site / "weeks" / f"{w}.pdf").is_file()]
    assert default > 0 and with_pdf == weeks[-default:]
    week_html = (pdf_site / "weeks" / f"{CURRENT}.html").read_text(encoding="utf-8")
    assert f'href="{CURRENT}.pdf"' in week_html


@pytest.mark.pdf
@needs_pdf
def test_pdf_text_metadata_and_pages(pdf_site: Path):
    from reflect.build import WEEK_SECTIONS

    pdf = pdf_site / "weeks" / f"{CURRENT}.pdf"
    text = " ".join(pdf_text(pdf).split())
    for heading in WEEK_SECTIONS:
        assert heading.replace("’", "'") in text.replace("’", "'"), heading
    assert "Alex Rivera" in text and CURRENT in text
    assert re.search(r"page 1 of \d", text)
    info = pdf_info(pdf)
    assert info["Title"] == f"Weekly homework {CURRENT} · Alex Rivera"
    assert info["Author"] == "Alex Rivera"
    assert info["CreationDate"].startswith(AS_OF)
    assert 2 <= int(info["Pages"]) <= 12
    assert info.get("Tagged") == "yes"
    # an earlier week is dated by its own end, so its PDF does not change as the days go by
    assert pdf_info(pdf_site / "weeks" / "2026-W46.pdf")["CreationDate"].startswith("2026-11-15")


@pytest.mark.pdf
@needs_pdf
def test_pdf_prints_the_pairs_of_cards_side_by_side(pdf_site: Path):
    lines = pdf_text(pdf_site / "weeks" / f"{CURRENT}.pdf").splitlines()

    def same_line(left: str, right: str) -> bool:
        return any(re.search(f"{re.escape(left)}\\s{{4,}}{re.escape(right)}", line) for line in lines)

    assert same_line("You have given more than you asked", "You have asked more than you gave")
    assert same_line("Last week (2026-W47)", "Next week (2026-W49)")


@pytest.mark.pdf
@needs_pdf
def test_rebuild_reuses_pdfs(tmp_path: Path):
    project = copy_example(tmp_path / "p")
    assert build(project)[0] == 0
    site = project / "site"
    cache = project / ".reflect" / "pdf-cache"
    cached = sorted(p.name for p in cache.glob("*.pdf"))
    before = _stats(site)
    code, out, _ = build(project)
    assert code == 0
    assert _stats(site) == before
    assert sorted(p.name for p in cache.glob("*.pdf")) == cached
    # with the site gone, the PDFs still come from the cache (same bytes, nothing rendered)
    shutil.rmtree(site)
    from reflect.build import build_site
    from reflect.project import load_project
    import datetime as dt
    summary = build_site(load_project(project), dt.date.fromisoformat(AS_OF), site)
    assert summary.pdfs_rendered == 0 and summary.pdfs >= 1


@pytest.mark.pdf
@needs_pdf
def test_a_build_removes_what_a_killed_report_left_in_the_cache(tmp_path: Path):
    # a reflect killed outright (no clean-up) leaves its scratch folder; an hour on, a build removes it
    project = copy_example(tmp_path / "p")
    cache = project / ".reflect" / "pdf-cache"
    old, recent = cache / ".reflect-render-old1", cache / ".reflect-render-new1"
    for folder in (old, recent):
        folder.mkdir(parents=True)
        (folder / "page.pdf").write_bytes(b"%PDF-half")
    hours_ago = os.stat(old).st_mtime - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    assert build(project)[0] == 0
    assert not old.exists() and recent.is_dir()


@pytest.mark.pdf
@needs_pdf
def test_report_one_week(tmp_path: Path):
    project = copy_example(tmp_path / "p")
    out = tmp_path / "mine.pdf"
    code, stdout, err = run_cli(["report", "2026-W47", "--project", project, "--as-of", AS_OF, "-o", out])
    assert code == 0, err
    assert stdout.startswith("wrote ") and "2026-W47" in stdout
    text = pdf_text(out)
    assert "2026-W47" in text and "Reflection and prompts" in text
    assert pdf_info(out)["CreationDate"].startswith("2026-11-22")
    # default: the week of --as-of, into site/weeks/
    code, _, err = run_cli(["report", "--project", project, "--as-of", AS_OF])
    assert code == 0, err
    assert (project / "site" / "weeks" / f"{CURRENT}.pdf").is_file()
    assert (project / "site" / ".reflect-site").is_file()


@pytest.mark.pdf
@needs_pdf
def test_a_pdf_made_by_report_for_an_older_week_stays_in_the_site(tmp_path: Path):
    """The week page says `reflect report WEEK` makes its PDF: the next build keeps it and links it."""
    project = copy_example(tmp_path / "p")
    assert build(project)[0] == 0
    old = project / "site" / "weeks" / "2026-W40.html"
    assert "reflect report 2026-W40</code> makes one" in old.read_text("utf-8")
    assert run_cli(["report", "2026-W40", "--project", project, "--as-of", AS_OF])[0] == 0
    pdf = project / "site" / "weeks" / "2026-W40.pdf"
    assert pdf.is_file()
    code, out, _ = build(project)
    assert code == 0 and "(nothing changed)" not in out
    assert pdf.is_file() and "2026-W40" in pdf_text(pdf)
    assert 'href="2026-W40.pdf"' in old.read_text("utf-8")
    # a new entry in that week makes its PDF again
    before = pdf_text(pdf)
    october = project / "journal" / "2026" / "10.yaml"
    with open(october, "a", encoding="utf-8") as fh:
        fh.write("\n- {date: 2026-10-01, with: mei, asked: A second opinion on the survey, outcome: helped}\n")
    assert build(project)[0] == 0
    assert pdf.is_file() and pdf_text(pdf) != before
    # the weekly `reflect report` of a recent week is not remembered: it ages out as pdf_weeks says
    assert run_cli(["report", "--project", project, "--as-of", AS_OF])[0] == 0
    assert (project / ".reflect" / "report-weeks").read_text(encoding="utf-8").split() == ["2026-W40"]
    # -o elsewhere leaves the site alone
    assert run_cli(["report", "2026-W39", "--project", project, "--as-of", AS_OF, "-o", tmp_path / "w39.pdf"])[0] == 0
    assert build(project)[0] == 0
    assert not (project / "site" / "weeks" / "2026-W39.pdf").exists()


def test_pdf_weeks_setting_chooses_how_many_weeks_get_a_pdf(tmp_path):
    """`pdf_weeks: 2` in reflect.yaml: exactly the two latest weeks have a PDF next to their page."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        pytest.skip(f"WeasyPrint cannot load: {exc}")
    import io

    from reflect.cli import main
    from reflect.console import Console

    repo = Path(__file__).resolve().parent.parent
    shutil.copytree(repo / "journal", tmp_path / "journal")
    (tmp_path / "reflect.yaml").write_text((repo / "reflect.yaml").read_text() + "\npdf_weeks: 2\n")
    err = io.StringIO()
    code = main(["build", "--project", str(tmp_path), "--as-of", "2026-11-27"], Console(out=io.StringIO(), err=err))
    assert code == 0, err.getvalue()
    pdfs = sorted(p.name for p in (tmp_path / "site" / "weeks").glob("*.pdf"))
    assert pdfs == ["2026-W47.pdf", "2026-W48.pdf"]


def test_a_person_page_with_fading_says_why_the_months_add_up_to_more(tmp_path: Path):
    """With half_life_days the balance tiles are faded, the monthly chart is not: the page says so."""
    project = copy_example(tmp_path / "p")
    assert build(project, None, "--no-pdf")[0] == 0
    assert "each act at its full weight" not in (project / "site/people/marta.html").read_text("utf-8")
    config = project / "reflect.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "half_life_days: 30\n", encoding="utf-8")
    assert build(project, None, "--no-pdf")[0] == 0
    page = (project / "site/people/marta.html").read_text("utf-8")
    assert "(each act at its full weight: the balance above counts an act half after 30 days" in page


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if ".reflect" not in p.parts}


@pytest.mark.parametrize("argv", [
    ["build", "--no-pdf", "--out", "reflect.yaml/x"],
    ["build", "--no-pdf", "--out", "reflect.yaml/../x/y"],
    ["report", "-o", "reflect.yaml/x.pdf"],
    ["report", CURRENT, "-o", "journal/people.yaml/w/x.pdf"],
])
def test_an_output_path_under_a_file_is_a_usage_error_and_writes_nothing(tmp_path, argv):
    # once "internal error: FileExistsError … a bug in reflect" (exit 70)
    root = copy_example(tmp_path / "p")
    before = _files(root)
    code, out, err = run_cli([*argv, "--as-of", AS_OF], cwd=root)
    given = argv[argv.index("--out" if "--out" in argv else "-o") + 1]
    parent = "journal/people.yaml" if "people.yaml" in given else "reflect.yaml"
    assert code == 2 and out == "", err
    assert err == f"reflect: cannot write {argv[argv.index(given) - 1]} {given}: {parent} is a file, not a folder\n"
    assert _files(root) == before


def test_only_an_oserror_about_the_output_becomes_a_usage_error(tmp_path):
    # a failed write to the output (permissions, a full disk) is the user's to fix: "cannot write";
    # any other OSError stays what it is (an internal error, reported as one)
    from reflect.cli import writing
    from reflect.errors import UsageError

    out = tmp_path / "site"
    with pytest.raises(UsageError, match=r"^cannot write --out .*site: .*a\.html: Permission denied$"):
        with writing("--out", out):
            raise PermissionError(13, "Permission denied", str(out / "weeks" / "a.html"))
    with pytest.raises(UsageError, match=r"^cannot write --out .*site: No space left on device$"):
        with writing("--out", out):
            raise OSError(28, "No space left on device", str(tmp_path / ".site.tmp-12"))
    with pytest.raises(PermissionError):
        with writing("--out", out):
            raise PermissionError(13, "Permission denied", str(tmp_path / ".reflect" / "cache"))
