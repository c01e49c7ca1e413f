"""The app's layers: view modules are reached through core/urls.py alone (issue 21)."""

import ast
from pathlib import Path

import core

CORE = Path(core.__file__).parent
ROOT = CORE.parent
VIEW_MODULES = {path.stem for path in CORE.glob("*views.py")} | {"views"}


def imported_modules(path: Path) -> set[str]:
    """The core modules a file imports, as dotted names relative to the core package."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.removeprefix("core.") for alias in node.names if alias.name.startswith("core."))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module == "core" or module.startswith("core."):
                base = module.removeprefix("core").lstrip(".")
                names.update(f"{base}.{alias.name}".lstrip(".") for alias in node.names)
                if base:
                    names.add(base)
    return names


def view_imports(path: Path) -> set[str]:
    return {name for name in imported_modules(path) if name.split(".")[0] in VIEW_MODULES}


def test_it_finds_a_view_import_in_each_way_it_can_be_written(tmp_path):
    for source in ("from . import views", "from .views import csv_response", "import core.views",
                   "from core import course_views", "from core.account_views import x"):
        module = tmp_path / "m.py"
        module.write_text(source + "\n")
        assert view_imports(module), source
    module.write_text("from . import selectors\nfrom .selectors import course_context\n")
    assert not view_imports(module)


def test_it_lets_only_urls_import_a_view_module():
    assert {"views", "course_views", "account_views"} <= VIEW_MODULES
    offenders = {
        str(path.relative_to(ROOT)): sorted(view_imports(path))
        for package in ("core", "isodiary")
        for path in (ROOT / package).rglob("*.py")
        if path != CORE / "urls.py" and "migrations" not in path.parts and view_imports(path)
    }
    assert offenders == {}
