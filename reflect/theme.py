"""Where the templates are: the default theme and a project's own `templates/`.

No Jinja here: `reflect report` and `reflect share` ask for the theme's folders before they
start their PDF worker, and the worker should not wait for Jinja to load.
"""
from __future__ import annotations

from pathlib import Path

from reflect.errors import TemplateProblem

THEME_MARKER = "base.html"


def theme_dir() -> Path:
    """The default theme folder.

    Installed from a wheel, it is the package `reflect/templates/`; in a source
    checkout or an editable install it is the repository's `templates/` next to
    the `reflect/` package.
    """
    import reflect

    here = Path(reflect.__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / THEME_MARKER).is_file():
            return candidate
    try:  # an unusual layout: ask the import system where reflect.templates lives
        import importlib.util

        spec = importlib.util.find_spec("reflect.templates")
        for loc in (spec.submodule_search_locations or []) if spec else []:
            if (Path(loc) / THEME_MARKER).is_file():
                return Path(loc)
    except (ImportError, ValueError):
        pass
    raise TemplateProblem(f"the default templates are missing (looked in {here / 'templates'} and "
                          f"{here.parent / 'templates'}); reinstall reflect")


def project_templates(root: Path) -> Path | None:
    """The project's own `templates/` folder, if it has one (and it is not the default theme)."""
    folder = Path(root) / "templates"
    if not folder.is_dir():
        return None
    try:
        if folder.resolve() == theme_dir().resolve():
            return None
    except OSError:
        return None
    return folder
