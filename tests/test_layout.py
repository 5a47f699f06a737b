"""The package's layout holds: one concern per folder, imports pointing one way, modest sizes.

Every module's imports are read with `ast` (imports inside functions too, since the command
imports lazily), so a test fails as soon as an arrow points the wrong way, without running
anything. The rooms, lowest first: the engine and the modules on it (nn, losses, optim, ...),
content, then progress, classroom and exchange, then viz, widgets and the cli.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "studypack"
ROOMS = ("engine", "content", "progress", "classroom", "exchange", "exercises", "viz", "widgets",
         "cli")
MAX_MODULE_LINES, MAX_CLASS_LINES = 600, 250
LONG_CLASSES_ALLOWED = {"studypack.engine.value.Value", "studypack.engine.tensor.Tensor"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _room(module: str) -> str:
    """The folder a module belongs to; `studypack` itself and nn.py, losses.py, ... are the
    engine's room; `python -m studypack` is the command's."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ROOMS:
        return parts[1]
    return "cli" if module == "studypack.__main__" else "engine"


def _imports(module: str) -> set[str]:
    """The studypack modules `module` imports, anywhere in its code."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from studypack import losses` imports a module; `from x import Name` imports x
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                         for alias in node.names)
    return {name for name in found if name.split(".")[0] == "studypack"}


EDGES = {(module, imported) for module in MODULES for imported in _imports(module)}


def _edges_into(rooms_from: set[str], rooms_to: set[str]) -> list[str]:
    return sorted(f"{module} imports {imported}" for module, imported in EDGES
                  if _room(module) in rooms_from and _room(imported) in rooms_to)


def test_the_import_reader_sees_relative_absolute_and_lazy_imports():
    assert ("studypack.classroom.handins", "studypack.classroom.assignments") in EDGES  # relative
    assert ("studypack.content.generators", "studypack.losses") in EDGES  # from studypack import
    assert ("studypack.cli.commands", "studypack.exchange.scaffold") in EDGES  # inside a function


def test_content_knows_nothing_of_the_rooms_above_it():
    assert _edges_into({"content"}, set(ROOMS) - {"engine", "content"}) == []


def test_progress_classroom_and_exchange_import_no_drawing_widget_or_command():
    assert _edges_into({"progress", "classroom", "exchange"},
                       {"exercises", "viz", "widgets", "cli"}) == []


def test_progress_classroom_and_exchange_point_one_way():
    """progress is the learner's and stands alone; classroom may use progress; exchange uses
    only progress's atomic files (where every outputs' safe writing lives)."""
    assert _edges_into({"progress"}, {"classroom", "exchange"}) == []
    assert _edges_into({"classroom"}, {"exchange"}) == []
    assert sorted({imported for module, imported in EDGES
                   if _room(module) == "exchange" and _room(imported) == "progress"}) \
        == ["studypack.progress.atomic"]


def test_exercises_import_no_learner_store_instructor_exchange_widget_or_command():
    """A checker is engine and content only: the widget records progress, the command grades."""
    assert _edges_into({"exercises"}, {"progress", "classroom", "exchange", "widgets", "cli"}) == []
    assert any(_room(module) == "exercises" for module, _ in EDGES)  # the room is really read


def test_viz_imports_no_widget_and_only_the_command_imports_the_command():
    assert _edges_into({"viz"}, {"widgets", "cli"}) == []
    assert _edges_into(set(ROOMS) - {"cli"}, {"cli"}) == []


def test_importing_content_loads_none_of_the_rooms_above_it():
    """content/__init__ keeps the old names working lazily: nothing above loads until used."""
    code = ("import sys, studypack.content, studypack.content.lessons; "
            "print(sorted({m.split('.')[1] for m in sys.modules if m.startswith('studypack.') "
            "and m.count('.') >= 1}))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                       text=True, check=True).stdout.replace("'", '"'))
    assert set(loaded) <= {"engine", "content", "losses", "nn", "optim"}, loaded


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_too_long(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module}: {lines} lines; split it by responsibility"


def test_no_class_is_too_long_but_the_engines_values():
    long = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and f"{module}.{node.name}" not in LONG_CLASSES_ALLOWED:
                if node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                    long.append(f"{module}.{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert long == []


# ---- old imports keep working, with a warning naming the new one ----

OLD_AND_NEW = '''
import json, warnings
results = {}

def attempt(name, statement):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # as Python shows them: once a line
        namespace = {}
        exec(statement, namespace)
    results[name] = [str(w.message) for w in caught if w.category is DeprecationWarning]
    return namespace

new = attempt("new", "from studypack.content import load_pack\\n"
                     "from studypack.progress import ProgressStore, CardScheduler\\n"
                     "from studypack.classroom.assignments import open_assignment\\n"
                     "from studypack.exchange import anki_package")
old = attempt("old name", "from studypack.content import ProgressStore, load_pack")
results["same class"] = old["ProgressStore"] is new["ProgressStore"]
handed_out = attempt("old module", "from studypack.content.assignments import open_assignment")
results["same function"] = handed_out["open_assignment"] is new["open_assignment"]
split = attempt("split module", "from studypack.content.interchange import anki_package, slug")
results["split resolves"] = split["anki_package"] is new["anki_package"]
try:
    attempt("unknown", "from studypack.content import NoSuchThing")
except ImportError as error:
    results["unknown"] = str(error)
print(json.dumps(results))
'''


@pytest.fixture(scope="module")
def old_and_new():
    done = subprocess.run([sys.executable, "-c", OLD_AND_NEW], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def test_new_imports_give_no_warning(old_and_new):
    assert old_and_new["new"] == []


def test_an_old_name_still_imports_and_its_warning_names_the_new_import(old_and_new):
    assert old_and_new["same class"]
    assert old_and_new["old name"] == ["`from studypack.content import ProgressStore` is "
                                       "deprecated: use `from studypack.progress import "
                                       "ProgressStore`"]


def test_a_moved_module_still_imports_as_handed_out_notebooks_write_it(old_and_new):
    assert old_and_new["same function"] and old_and_new["split resolves"]
    assert old_and_new["old module"] == ["studypack.content.assignments is deprecated: import "
                                         "from studypack.classroom.assignments"]
    assert "studypack.exchange.anki" in old_and_new["split module"][0]


def test_an_unknown_name_is_still_an_import_error(old_and_new):
    assert "NoSuchThing" in old_and_new["unknown"]


def test_the_warning_points_at_the_users_line():
    """Python shows a DeprecationWarning by default only when it is attributed to __main__
    (a script, a notebook cell): it must not be attributed to the import machinery."""
    for statement in ("from studypack.content import ProgressStore",
                      "import studypack.content.scheduling"):
        done = subprocess.run([sys.executable, "-c", statement], capture_output=True, text=True,
                              check=True)
        assert "<string>:1: DeprecationWarning" in done.stderr, done.stderr
