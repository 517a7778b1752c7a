"""The dependency rule: models ← extractors ← pipeline ← review_ui, stages queue-agnostic."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "models": {"dramatiq", "fastapi", "redis", "extractors", "pipeline", "review_ui"},
    "extractors": {"dramatiq", "fastapi", "redis", "sqlalchemy", "pipeline", "review_ui"},
    "pipeline/stages": {"dramatiq", "fastapi", "redis", "sqlalchemy", "review_ui"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upper_layers(package):
    files = list((ROOT / package).rglob("*.py"))
    assert files
    bad = {
        str(f.relative_to(ROOT)): sorted(_imports(f) & FORBIDDEN[package])
        for f in files
        if _imports(f) & FORBIDDEN[package]
    }
    # models/storage is the one place in models allowed to use SQLAlchemy (not listed above)
    assert bad == {}


def test_only_broker_actor_and_worker_modules_import_dramatiq():
    allowed = {"pipeline/broker.py", "pipeline/actors.py", "pipeline/worker.py"}
    users = {
        str(f.relative_to(ROOT))
        for pkg in ("models", "extractors", "pipeline", "review_ui")
        for f in (ROOT / pkg).rglob("*.py")
        if "dramatiq" in _imports(f)
    }
    assert users <= allowed
