"""Templates -> HTML strings: the Jinja environment, its filters, and template errors.

This stage owns Jinja and markdown-it.  Pages are arranged by templates; every
number they show was computed in `report` (and the charts in `charts`).

- Templates come from the project's own `templates/` folder first (file by
  file), then from the default theme (the repository's top-level `templates/`,
  shipped in the wheel as the package `reflect.templates`).  The default theme
  is also reachable as `builtin/NAME`, so an override can
  `{% extends "builtin/week.html" %}` the file it replaces.
- Autoescape is on for every template, undefined variables raise
  (`StrictUndefined`), and journal Markdown enters a page only through the
  `md` filter: raw HTML off, links limited to http(s):, mailto: and in-page
  anchors, images shown as links (a remote image in a shared report is a
  tracking pixel; a local one is a file read), headings demoted to bold
  paragraphs so the page's heading order stays intact.
- A template error (syntax, undefined variable, a failing filter, a missing include, a
  template that extends or includes itself) becomes a `TemplateProblem` naming the
  template file and line, never a traceback.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import traceback
from pathlib import Path
from typing import Any, Mapping

import jinja2
from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined,
                    TemplateError, TemplateNotFound, TemplateSyntaxError, pass_context)
from markupsafe import Markup, escape

from reflect import __version__
from reflect.errors import TemplateProblem, interrupted
from reflect.theme import THEME_MARKER, project_templates, theme_dir  # noqa: F401  (re-exported)
from reflect.console import fmt_weight, plural  # filters `weight` and `plural`: one formatter for the tool

__all__ = ["TemplateProblem", "theme_dir", "project_templates", "make_env", "render_page", "markdown",
           "rel_url", "fmt_date", "fmt_span", "fmt_weight", "plural"]

ALLOWED_LINK = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
# ---------------------------------------------------------------- Markdown

def _make_markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: bool(ALLOWED_LINK.match(url.strip()))

    def image(self, tokens, idx, options, env):
        # Never an <img>: the picture is shown as a link the reader may choose to follow.
        tok = tokens[idx]
        src = tok.attrGet("src") or ""
        alt = self.renderInlineAsText(tok.children or [], options, env) or "image"
        label = escape(f"image: {alt}")
        if ALLOWED_LINK.match(src.strip()):
            return f'<a class="image-link" href="{escape(src)}" rel="nofollow noopener noreferrer">{label}</a>'
        return f'<span class="image-link">{label}</span>'

    def link_open(self, tokens, idx, options, env):
        tok = tokens[idx]
        href = tok.attrGet("href") or ""
        if not href.startswith("#"):
            tok.attrSet("rel", "nofollow noopener noreferrer")
        return self.renderToken(tokens, idx, options, env)

    def heading_open(self, tokens, idx, options, env):
        return '<p class="md-heading"><strong>'

    def heading_close(self, tokens, idx, options, env):
        return "</strong></p>\n"

    def table_open(self, tokens, idx, options, env):
        # A table in a scrolling region, as the theme's own tables: on a phone a wide one pans
        # inside it instead of widening the page (style.css fits it to the width in print).
        return ('<div class="table-wrap md-table" tabindex="0" role="region" '
                'aria-label="Table (scrolls sideways on small screens)">\n'
                + self.renderToken(tokens, idx, options, env))

    def table_close(self, tokens, idx, options, env):
        return self.renderToken(tokens, idx, options, env) + "</div>\n"

    md.add_render_rule("image", image)
    md.add_render_rule("table_open", table_open)
    md.add_render_rule("table_close", table_close)
    md.add_render_rule("link_open", link_open)
    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)
    return md


# One line of words and light punctuation starting with a letter: no Markdown syntax can start
# or hide in it (no list marker, heading, quote, emphasis, code, link, entity or HTML), so
# markdown-it would print it as one paragraph with `"` escaped.  tests/test_render_safety.py
# checks this against markdown-it on generated text.
_PLAIN_MD = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;:?!()'\"/%+=@-]*")


class _Markdown:
    """One MarkdownIt instance, built on first use and reused (it keeps no per-render state).

    Rendered notes are remembered by text (a note shows on its week page and on each of its
    people's pages), up to `MEMO` of them; a plain one-line note skips the parser."""

    MEMO = 2048

    def __init__(self) -> None:
        self._md = None
        self._memo: dict[str, Markup] = {}

    def prepare(self) -> None:
        """Build the parser now (importing markdown-it costs ~0.08 s), e.g. before forking."""
        if self._md is None:
            self._md = _make_markdown()

    def __call__(self, text: object) -> Markup:
        if text is None or isinstance(text, jinja2.Undefined):
            return Markup("")
        s = str(text)
        done = self._memo.get(s)
        if done is not None:
            return done
        if not s.strip():
            return Markup("")
        if _PLAIN_MD.fullmatch(s) and s[-1] != " " and "  " not in s:
            html = Markup("<p>" + s.replace('"', "&quot;") + "</p>\n")
        else:
            if self._md is None:
                self._md = _make_markdown()
            html = Markup(self._md.render(s))
        if len(self._memo) >= self.MEMO:
            self._memo.clear()
        self._memo[s] = html
        return html


markdown = _Markdown()


# ---------------------------------------------------------------- filters

def fmt_date(value: Any, style: str = "long") -> str:
    """27 November 2026 (long), 27 Nov (short), 27 Nov 2026 (medium), Fri 27 Nov (day), 2026-11-27 (iso)."""
    if value.__class__ is dt.date:
        return _fmt_day(value, style)
    if value is None or isinstance(value, jinja2.Undefined):
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return _fmt_day(value, style)


def fmt_span(start: dt.date, end: dt.date, style: str = "short") -> str:
    """A week's days: '23 Nov – 29 Nov 2026' (short) or 'Mon 23 Nov – Sun 29 Nov 2026' (day); a week
    across New Year names both years: '29 Dec 2025 – 4 Jan 2026'."""
    from reflect.model import days_text

    return days_text(start, end, weekday=style == "day")


@functools.lru_cache(maxsize=4096)
def _fmt_day(value: dt.date, style: str) -> str:
    # strftime is slow, and a site shows the same few hundred days thousands of times
    if style == "iso":
        return value.isoformat()
    if style == "short":
        return f"{value.day} {value:%b}"
    if style == "medium":
        return f"{value.day} {value:%b %Y}"
    if style == "day":
        return f"{value:%a} {value.day} {value:%b}"
    return f"{value.day} {value:%B %Y}"




_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def rel_url(target: str, page: str) -> str:
    """The URL of site path `target` (e.g. 'people/dana.html') relative to the page at site path `page`.

    Both are paths inside the site, '/'-separated, without '.' or '..' parts; anything with a
    scheme, or a bare '#anchor', is returned as it is.
    """
    if not target or target[0] == "#" or _SCHEME.match(target):
        return target
    frag = ""
    if "#" in target:
        target, frag = target.split("#", 1)
        frag = "#" + frag
    return _rel_path(target, page.rpartition("/")[0]) + frag


@functools.lru_cache(maxsize=8192)
def _rel_path(target: str, page_dir: str) -> str:
    here = page_dir.split("/") if page_dir else []
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:])


@pass_context
def _rel(ctx, target: str) -> str:
    return rel_url(str(target), ctx.get("page_path", "index.html"))


# ---------------------------------------------------------------- environment

class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the process, shared by every
    environment `make_env` makes.  Jinja checks each template's source checksum, so an edited
    template is compiled again; the key carries reflect's version and the environment's settings,
    which the compiled code depends on."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{__version__}|{_ENV_SETTINGS}|{name}", filename)

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_ENV_SETTINGS = "autoescape,strict,trim,lstrip"
_COMPILED = _CompiledTemplates()


def compile_templates(user_dir: Path | None = None, theme: Path | None = None) -> None:
    """Compile every page template now (~0.2 s for the default theme), so that the environments
    made later, and processes forked later, find them compiled.  `reflect build` does this while
    the journal's files are parsed on the other cores.  A template that does not compile is left
    alone: rendering it reports the error, with its file and line."""
    env = make_env(user_dir, theme)
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html") and "/" not in n):
        try:
            env.get_template(name)
        except (TemplateError, OSError, UnicodeDecodeError):   # the page that uses it will say so
            pass
    markdown.prepare()


def _linked(text, name: str, link) -> Markup:
    """`linked`: `text` with the first whole-word `name` in it replaced by `link` (markup, e.g.
    `person_link(id)`); without the name in it, the text and the link after it in brackets."""
    plain = str(text)
    m = re.search(rf"(?<!\w){re.escape(str(name))}(?!\w)", plain) if name else None
    if m is None:
        return Markup("{} <span class=\"with\">({})</span>").format(plain, link)
    return Markup("{}{}{}").format(plain[:m.start()], link, plain[m.end():])


def _isolate(value) -> Markup:
    """`isolate`: a name, escaped, in `<bdi>` when it is right-to-left (bidi.bdi)."""
    from reflect.bidi import bdi

    return Markup(bdi(value))


def _plain(value) -> str:
    """`plain`: a sentence without its names' `<bdi>` (a `bidi.Text` as the plain str), for an
    attribute or `<title>`, where tags are not markup."""
    return str(value)


def make_env(user_dir: Path | None = None, theme: Path | None = None) -> Environment:
    """The Jinja environment: the project's templates first, then the default theme (also as builtin/)."""
    default = FileSystemLoader(str(theme or theme_dir()))
    loaders: list = []
    if user_dir is not None:
        loaders.append(FileSystemLoader(str(user_dir)))
    loaders += [PrefixLoader({"builtin": default}, delimiter="/"), default]
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                      auto_reload=False, keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True,
                      bytecode_cache=_COMPILED)
    env.filters.update(md=markdown, date=fmt_date, span=fmt_span, weight=fmt_weight, plural=plural, rel=_rel,
                       plain=_plain, linked=_linked, isolate=_isolate)
    env.globals["rel_url"] = rel_url
    from reflect import partials

    partials.install(env, user_dir)
    return env


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost traceback frame that belongs to a template: (file, line)."""
    found = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if _is_template(frame):
            found = (frame.f_code.co_filename, lineno)
    return found


def _is_template(frame) -> bool:
    fname = frame.f_code.co_filename
    return fname.endswith((".html", ".htm", ".xml", ".css", ".svg", ".txt", ".j2")) \
        or bool(frame.f_globals.get("__jinja_template__"))


def _template_loop(exc: BaseException, root: Path | None) -> str | None:
    """For a RecursionError in templates: "FILE:LINE: template loop: a → b → a → …", FILE:LINE being
    the extends or include that enters a template a second time; None when none is entered twice."""
    frames = [(f.f_code.co_filename, f.f_code.co_name, line)
              for f, line in traceback.walk_tb(exc.__traceback__) if _is_template(f)]
    # a template entered (by the page, an extends or an include): its root function, which
    # Jinja's rewritten tracebacks call "top-level template code"
    starts = [i for i, (_, func, _) in enumerate(frames) if func in ("root", "top-level template code")]
    chain = [frames[i][0] for i in starts]
    for k, fname in enumerate(chain):
        if fname in chain[:k] and starts[k] > 0:
            j = chain.index(fname)
            file, _, line = frames[starts[k] - 1]   # the call that enters it again
            names = " → ".join(_shown_template(f, root) for f in chain[j:k + 1])
            hint = ""
            if k == j + 1 and _shown_template(fname, root).startswith("templates/"):
                hint = (f"; to build on the default {Path(fname).name}, extend "
                        f"\"builtin/{Path(fname).name}\"")
            return (f"{_describe(file, root)}:{line}: template loop: {names} → … (a template that "
                    f"extends or includes itself, directly or through others, never ends){hint}")
    return None


def _shown_template(path: str, root: Path | None) -> str:
    """A template file as a person calls it: templates/week.html (the project's), builtin/week.html."""
    p = Path(path)
    try:
        return "builtin/" + p.resolve().relative_to(theme_dir().resolve()).as_posix()
    except (ValueError, OSError):
        return _describe(path, root)


def _describe(path: str, base: Path | None) -> str:
    p = Path(path)
    if base is not None:
        try:
            return p.resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return str(p)


def render_page(env: Environment, name: str, context: Mapping[str, Any], root: Path | None = None) -> str:
    """Render template `name` with `context`; template errors become `TemplateProblem`."""
    try:
        return env.get_template(name).render(context)
    except TemplateSyntaxError as exc:
        where = _describe(exc.filename or exc.name or name, root)
        raise TemplateProblem(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from None
    except TemplateNotFound as exc:
        frame = _template_frame(exc)   # the include or extends that names it, if a template does
        where = f"{_describe(frame[0], root)}:{frame[1]}: " if frame else ""
        needed = "" if frame else f" (needed by {name})"
        raise TemplateProblem(f"{where}template '{exc.name}' not found{needed}; look for a typo in an "
                              f"include or extends, or a missing file in templates/") from None
    except Exception as exc:  # noqa: BLE001 - a template can raise anything ({{ 1/0 }}): blame the right file
        if interrupted(exc):   # a Ctrl-C, not the template's fault
            raise KeyboardInterrupt from None
        if isinstance(exc, RecursionError):
            loop = _template_loop(exc, root)
            if loop:
                raise TemplateProblem(loop) from None
        frame = _template_frame(exc)
        if isinstance(exc, RecursionError) and frame:   # a macro that calls itself without end, say
            raise TemplateProblem(f"{_describe(frame[0], root)}:{frame[1]}: template error: the template "
                                  f"calls itself without end (it recursed too deep)") from None
        kind = "undefined variable" if isinstance(exc, jinja2.UndefinedError) else "template error"
        msg = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        if frame:
            raise TemplateProblem(f"{_describe(frame[0], root)}:{frame[1]}: {kind}: {msg}") from None
        if isinstance(exc, TemplateError):
            raise TemplateProblem(f"{name}: {kind}: {msg}") from None
        raise  # not the template's fault: a bug in reflect, shown as an internal error
