"""The layout: one name per question in every tree, an explicit registry, no import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

from carepay import batch, checks, paths, registry

LIB = Path(__file__).resolve().parents[1] / "lib" / "carepay"


def test_every_notebook_is_a_registered_question_with_its_parts(root):
    assert set(batch.notebook_names()) == set(registry.QUESTIONS)
    for name in registry.QUESTIONS:
        assert (root / "params" / name / "default.yaml").exists()
        assert (root / "tests" / "pinned" / f"{name}.yaml").exists()
        assert (root / "tests" / f"test_{name}.py").exists(), f"tests/test_{name}.py"
        if name != "sources":
            for part in ("params", "analysis", "checks"):
                assert (LIB / name / f"{part}.py").exists(), f"carepay/{name}/{part}.py"
            assert (root / "benchmarks" / f"bench_{name}.py").exists(), f"benchmarks/bench_{name}.py"


def test_every_data_package_is_checked_and_used():
    found = checks.registered()
    packages = set(paths.data_package_names())
    assert set(found) == packages
    used = {d for q in registry.QUESTIONS.values() for d in q.documents}
    assert used == packages


def _imports(path: Path) -> set[str]:
    """carepay modules a module imports when it is imported (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("carepay"):
            if node.module == "carepay":
                found |= {f"carepay.{a.name}" for a in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("carepay")}
    return found


def test_no_module_imports_one_that_imports_it_back():
    modules = {}
    for path in LIB.rglob("*.py"):
        rel = path.relative_to(LIB.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        modules[name] = _imports(path)
    graph = {m: {d for d in deps if d in modules} for m, deps in modules.items()}

    def cycle_from(start: str) -> list[str] | None:
        stack, seen = [(start, [start])], set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return [*trail, start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
        return None

    cycles = [c for m in graph if (c := cycle_from(m))]
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)
