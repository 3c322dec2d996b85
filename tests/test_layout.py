"""The module layout ARCHITECTURE.md describes, kept: imports flow one way, the runtime never
imports the editors' tooling, modules stay readable, and only two modules read the environment."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: its code, whatever OPASTIN_HOME says

BOT = ROOT / "bot"
MAX_LINES = 400
#: The only modules that may read the environment.
ENVIRONMENT_READERS = {"bot/settings.py", "bot/paths.py"}
#: The entry point that may import lazily, so `opastin ask` never loads Telegram or the web stack.
LAZY_IMPORTER = "bot/cli.py"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(BOT.rglob("*.py"))}


def resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The bot modules an ``from ... import ...`` statement in ``module`` imports."""
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    found = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
    if len(found) < len(node.names) and base in MODULES:
        found.append(base)
    return found


def imports(module: str) -> list[tuple[str, int, bool]]:
    """(imported bot module, line, inside a function) for every import of ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[tuple[str, int, bool]] = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    inner = {id(n) for function in functions for n in ast.walk(function) if n is not function}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            targets = resolve(module, node)
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names if alias.name in MODULES]
        else:
            continue
        found.extend((target, node.lineno, id(node) in inner) for target in targets)
    return found


GRAPH = {module: sorted({target for target, _, _ in imports(module)} - {module}) for module in MODULES}


def test_no_import_cycle_inside_bot() -> None:
    cycles = []
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in GRAPH[module]:
            if state.get(target) == "open":
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in MODULES:
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_only_the_tooling_and_the_command_line_import_the_tooling() -> None:
    importers = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if target.startswith("bot.tooling") and not module.startswith("bot.tooling") and module != "bot.cli"
    )
    assert importers == []


def test_no_module_is_over_400_lines() -> None:
    long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_import_hides_from_a_cycle() -> None:
    hidden = [str(path.relative_to(ROOT)) for path in MODULES.values() if "TYPE_CHECKING" in path.read_text("utf-8")]
    late = [
        f"{MODULES[module].relative_to(ROOT)}:{line} imports {target}"
        for module in MODULES
        for target, line, in_function in imports(module)
        if in_function and MODULES[module].relative_to(ROOT).as_posix() != LAZY_IMPORTER
    ]
    assert (hidden, late) == ([], [])


def test_only_settings_and_paths_read_the_environment() -> None:
    readers = sorted(
        path.relative_to(ROOT).as_posix()
        for path in MODULES.values()
        if any(word in path.read_text(encoding="utf-8") for word in ("os.environ", "getenv", "from os import"))
    )
    assert set(readers) <= ENVIRONMENT_READERS
    assert "bot/settings.py" in readers  # the test still sees what it looks for


def test_importing_the_errors_loads_no_model_library() -> None:
    probe = "import sys, bot.errors; print(sorted({'sklearn', 'numpy', 'telegram', 'lingua'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]"
