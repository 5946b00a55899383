"""The core imports no domain app (issue 13): every module under salesite/ — migrations and
imports inside functions included — is read with ast and may not import operations,
communication, handover, renovation, feedback or owners. The apps plug into the core through
its registries (dashboard providers, record views, demo modules found from the app configs)."""

import ast
from pathlib import Path

import salesite

DOMAIN_APPS = {"operations", "communication", "handover", "renovation", "feedback", "owners"}
# Where the operations domain lived inside the core before it became an app.
FORMER_DOMAIN_MODULES = ("salesite.operations", "salesite.models.operations")
CORE = Path(salesite.__file__).resolve().parent


def _is_domain(module: str) -> bool:
    return module.split(".")[0] in DOMAIN_APPS or any(
        module == m or module.startswith(m + ".") for m in FORMER_DOMAIN_MODULES
    )


def _imported_modules(tree: ast.AST, package: str):
    """(line, module) of every import in the tree, relative imports resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:  # "from x import y" may import the module x.y
                yield node.lineno, f"{module}.{alias.name}"


def domain_imports(root: Path = CORE) -> list[str]:
    """One "file:line imports module" per import statement that reaches a domain app."""
    found: dict[tuple[str, int], str] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).as_posix()
        package = ".".join(Path(rel).with_suffix("").parts[:-1])
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in _imported_modules(tree, package):
            if _is_domain(module) and (rel, line) not in found:
                found[rel, line] = module
    return [f"{rel}:{line} imports {module}" for (rel, line), module in sorted(found.items())]


def test_the_core_imports_no_domain_app():
    assert domain_imports() == []


def test_the_walk_finds_module_and_function_level_imports(tmp_path):
    core = tmp_path / "salesite"
    (core / "sub").mkdir(parents=True)
    (core / "__init__.py").write_text("")
    (core / "sub" / "__init__.py").write_text("")
    (core / "a.py").write_text("import handover.models\n")
    (core / "sub" / "b.py").write_text("def f():\n    from operations import selectors\n")
    (core / "sub" / "c.py").write_text("from .. import views\nfrom salesite import models\n")
    (core / "d.py").write_text("from .models import operations\n")
    assert domain_imports(core) == [
        "salesite/a.py:1 imports handover.models",
        "salesite/d.py:1 imports salesite.models.operations",
        "salesite/sub/b.py:2 imports operations",
    ]
