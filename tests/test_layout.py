"""The package's layout rules: no import cycles, no imports hidden in functions or at the bottom of a
file, and nothing outside addchat/transports/ naming a specific transport."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "addchat"


def module_name(path):
    """Dotted name of a module file under the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def ancestors(name):
    """The packages above a dotted module name ("a.b.c" -> "a", "a.b")."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def modules():
    """Every module of the package: dotted name -> (path, parsed tree)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        found[module_name(path)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def imported_names(name, path, node):
    """The AddChat modules one import statement names (a submodule when `from pkg import mod`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.split(".")[0] == "addchat"]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    if node.level:
        base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
        target = f"{base}.{node.module}" if node.module else base
    else:
        target = node.module or ""
    if target.split(".")[0] != "addchat":
        return []
    return [f"{target}.{alias.name}" for alias in node.names] + [target]


def import_graph():
    """Module -> set of AddChat modules it imports, and every import that is not at the top."""
    found = modules()
    graph, hidden = {}, []
    for name, (path, tree) in found.items():
        edges = set()
        body_started = False
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = imported_names(name, path, node)
                if names and body_started:
                    hidden.append(f"{name}:{node.lineno} imports at the bottom")
                # `from pkg import mod` names a module when mod is one, else the package itself.
                edges.update(n for n in names if n in found)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                body_started = True
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom) and imported_names(name, path, inner):
                        hidden.append(f"{name}:{inner.lineno} imports inside {node.name}")
        # `from addchat.x import y` where y is a module: the edge goes to y, not to the package x.
        edges = {e for e in edges if e != name and not any(f"{e}." in o for o in edges if o != e)}
        # Importing a.b.c runs a.b's __init__ first: an edge to every package above the target
        # that is not also above the importer (those have started importing already).
        own = set(ancestors(name)) | ({name} if path.name == "__init__.py" else set())
        graph[name] = edges | {p for e in edges for p in ancestors(e) if p in found and p not in own}
    return graph, hidden


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_the_package_has_no_import_cycles():
    graph, _ = import_graph()
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_is_hidden_in_a_function_or_at_the_bottom():
    _, hidden = import_graph()
    assert hidden == []


def test_only_the_registry_names_a_specific_transport():
    graph, _ = import_graph()
    specific = ("addchat.transports.socketio", "addchat.transports.pusher")
    for name, edges in graph.items():
        if name.startswith("addchat.transports"):
            continue
        named = sorted(e for e in edges if e.startswith(specific))
        assert named == [], f"{name} imports {named}: only addchat/transports/ may"
