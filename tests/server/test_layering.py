"""No two files of src/server or src/report call or include each other in a loop.

Calls: each object file of the library (the build's CMakeFiles/mamori.dir, next to the
mamori binary) gives, through nm, the symbols it defines and the ones it uses; a file uses
another when it uses a symbol the other defines. Includes: the #include "..." lines of the
sources and headers. Any strongly connected group of two or more files is a loop, printed
with its edges. Files whose source no longer exists (stale objects) are left out."""
import os
import re
import subprocess
import sys

SRC = os.environ.get("MM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("MAMORI")
PARTS = ["src/server", "src/report"]


def loops(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def call_graph():
    objdir = os.path.join(os.path.dirname(BIN), "CMakeFiles", "mamori.dir")
    defs, uses = {}, {}
    for part in PARTS:
        for name in sorted(os.listdir(os.path.join(SRC, part))):
            if not name.endswith(".c"):
                continue
            obj = os.path.join(objdir, part, name + ".o")
            if not os.path.exists(obj):
                sys.exit(f"FAIL no object {obj}: build the library first")
            out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
            key = f"{part}/{name}"
            defs[key], uses[key] = set(), set()
            for line in out.splitlines():
                f = line.split()
                if len(f) == 3 and f[1] in "TDBRC":
                    defs[key].add(f[2])
                elif len(f) == 2 and f[0] == "U":
                    uses[key].add(f[1])
    owner = {s: k for k, ds in defs.items() for s in ds}
    return {k: {owner[s] for s in uses[k] if s in owner and owner[s] != k} for k in defs}


def include_graph():
    graph = {}
    for part in PARTS:
        for name in sorted(os.listdir(os.path.join(SRC, part))):
            if not name.endswith((".c", ".h")):
                continue
            key = f"{part}/{name}"
            with open(os.path.join(SRC, part, name), encoding="utf-8") as f:
                inc = re.findall(r'^#include "([^"]+)"', f.read(), flags=re.M)
            graph[key] = {"src/" + i for i in inc if os.path.exists(os.path.join(SRC, "src", i))}
    for k in list(graph):
        for t in graph[k]:
            graph.setdefault(t, set())
    return graph


def main():
    if not BIN:
        sys.exit("FAIL set MAMORI (the binary; its build directory has the objects)")
    bad = 0
    for what, graph in (("calls", call_graph()), ("includes", include_graph())):
        found = loops(graph)
        for comp in found:
            bad += 1
            print(f"FAIL a loop of {what}: {' '.join(comp)}")
            for a in comp:
                for b in sorted(graph[a] & set(comp)):
                    print(f"    {a} -> {b}")
        if not found:
            print(f"ok no loop of {what} among {len(graph)} files")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
