#!/usr/bin/env python3
"""What is reviewed is what runs (SPEC §8), tested as a property.

For random pipelines and random mutations of them (edge swaps and
shuffles, argument shuffles and edits, node moves, interpreter changes,
references retargeted, paths renamed), run in the current folder:

- whenever `run -f FILE --dry-run --force` prints other commands (or the
  same commands in another order) for the mutated file than for its
  recorded version, `diff FILE --exit-code` exits 1 in every format, and
  the text names every step whose command changed (`step 'x'` or
  `node 'x'`) and says when the start order changed;
- whenever the mutated file holds the same data as the version,
  `diff --exit-code` exits 0 in every format.

Usage: diff_property.py DFC_BIN SEED CASES. Prints the failing case (seed,
case, both files, the outputs) and exits 1 on the first failure.
"""
import copy
import json
import os
import random
import subprocess
import sys

FORMATS = ("text", "json", "mermaid", "patch")
INTERPRETERS = (None, "bash", "bash -e", "sh")


def make_pipeline(rng):
    """A valid pipeline: datasets and scripts ranked so that edges go forward."""
    nr_scripts = rng.randint(1, 5)
    nr_datasets = rng.randint(1, 5)
    nodes = []
    for i in range(nr_datasets):
        nodes.append({"id": f"d{i}", "type": "dataset", "path": f"data/d{i}.csv"})
    for i in range(nr_scripts):
        node = {"id": f"s{i}", "type": "script", "path": f"scripts/s{i}.sh"}
        interp = rng.choice(INTERPRETERS)
        if interp:
            node["interpreter"] = interp
        nodes.append(node)
    rng.shuffle(nodes)
    rank = {n["id"]: k for k, n in enumerate(rng.sample(nodes, len(nodes)))}
    kind = {n["id"]: n["type"] for n in nodes}
    written = set()
    edges = []
    for _ in range(rng.randint(1, 9)):
        a, b = rng.sample([n["id"] for n in nodes], 2)
        if rank[a] > rank[b]:
            a, b = b, a
        if kind[a] == "dataset" and kind[b] == "dataset":
            continue
        if kind[b] == "dataset":
            if b in written:  # one writer per dataset
                continue
            written.add(b)
        edges.append({"from": a, "to": b, "arguments": random_arguments(rng, nodes)})
    return {"name": "prop", "nodes": nodes, "edges": edges}


def random_argument(rng, nodes):
    choice = rng.randrange(5)
    if choice == 0:
        return {"ref": rng.choice(nodes)["id"]}
    if choice == 1:
        return rng.randint(-5, 100)
    if choice == 2:
        return rng.choice(["--in", "--out", "-v", "a b", "it's", "$(x)", "--rows"])
    if choice == 3:
        return rng.choice([True, False])
    return "--" + rng.choice(["input", "output", "mode", "n"])


def random_arguments(rng, nodes):
    return [random_argument(rng, nodes) for _ in range(rng.randint(0, 4))]


def mutate(rng, p):
    """Apply one random mutation in place; returns its name."""
    edges, nodes = p["edges"], p["nodes"]
    kind = rng.randrange(11)
    if kind == 0 and len(edges) > 1:
        i, j = rng.sample(range(len(edges)), 2)
        edges[i], edges[j] = edges[j], edges[i]
        return "swap two edges"
    if kind == 1:
        rng.shuffle(edges)
        return "shuffle edges"
    if kind == 2 and edges:
        rng.shuffle(rng.choice(edges)["arguments"])
        return "shuffle one edge's arguments"
    if kind == 3 and edges:
        args = rng.choice(edges)["arguments"]
        if args:
            args[rng.randrange(len(args))] = random_argument(rng, nodes)
            return "edit an argument"
    if kind == 4 and len(nodes) > 1:
        node = nodes.pop(rng.randrange(len(nodes)))
        nodes.insert(rng.randrange(len(nodes) + 1), node)
        return "move a node"
    if kind == 5:
        scripts = [n for n in nodes if n["type"] == "script"]
        node = rng.choice(scripts)
        interp = rng.choice(INTERPRETERS)
        node.pop("interpreter", None)
        if interp:
            node["interpreter"] = interp
        return "change an interpreter"
    if kind == 6 and edges:
        args = rng.choice(edges)["arguments"]
        refs = [k for k, a in enumerate(args) if isinstance(a, dict)]
        if refs:
            args[rng.choice(refs)] = {"ref": rng.choice(nodes)["id"]}
            return "retarget a reference"
    if kind == 7 and edges:
        rng.choice(edges)["arguments"].append(random_argument(rng, nodes))
        return "add an argument"
    if kind == 8 and edges:
        args = rng.choice(edges)["arguments"]
        if args:
            args.pop(rng.randrange(len(args)))
            return "remove an argument"
    if kind == 9:
        datasets = [n for n in nodes if n["type"] == "dataset"]
        rng.choice(datasets)["path"] = f"data/renamed{rng.randrange(3)}.csv"
        return "rename a dataset"
    if kind == 10 and len(edges) > 1:
        # Two edges of one script, swapped: the case reviewers miss most.
        by_end = {}
        for k, e in enumerate(edges):
            by_end.setdefault(e["to"], []).append(k)
            by_end.setdefault(e["from"], []).append(k)
        pairs = [ks for ks in by_end.values() if len(ks) > 1]
        if pairs:
            i, j = rng.sample(rng.choice(pairs), 2)
            edges[i], edges[j] = edges[j], edges[i]
            return "swap two edges of one node"
    return "none"


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, errors="replace")


def dry_run(dfc, path):
    r = run([dfc, "run", "-f", path, "--dry-run", "--force"])
    if r.returncode != 0:
        return None
    return r.stdout.splitlines()


def write(path, p):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(p, f, indent=2)
        f.write("\n")


def steps_by_id(lines):
    return {line.split(":", 1)[0]: line for line in lines}


def check_case(dfc, base, mutated, base_lines, lines):
    """None when the property holds, else what broke."""
    codes = {f: run([dfc, "diff", "case.json", "--exit-code", "--format", f]) for f in FORMATS}
    if any(r.returncode not in (0, 1) for r in codes.values()):
        return "diff failed: " + "; ".join(r.stderr for r in codes.values())
    same_data = json.dumps(base, sort_keys=True) == json.dumps(mutated, sort_keys=True)
    if lines != base_lines:
        for f, r in codes.items():
            if r.returncode != 1:
                return f"commands differ but diff --format {f} --exit-code exited {r.returncode}"
        text = codes["text"].stdout
        old, new = steps_by_id(base_lines), steps_by_id(lines)
        for step in set(old) & set(new):
            if old[step] != new[step] and f"step '{step}'" not in text \
                    and f"node '{step}'" not in text:
                return f"step {step}'s command changed but the text does not name it"
        common = [s for s in new if s in old]
        if [s for s in old if s in new] != common and "start order" not in text:
            return "the start order changed but the text does not say so"
    elif same_data:
        for f, r in codes.items():
            if r.returncode != 0:
                return f"same data but diff --format {f} --exit-code exited {r.returncode}"
    return None


def main():
    dfc, seed, cases = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    os.makedirs("scripts", exist_ok=True)
    for i in range(5):
        with open(f"scripts/s{i}.sh", "w") as f:
            f.write(f"echo s{i} \"$@\"\n")
    done = differing = 0
    while done < cases:
        base = make_pipeline(rng)
        write("base.json", base)
        if run([dfc, "validate", "base.json"]).returncode != 0:
            continue
        created = run([dfc, "create", "base.json"])
        if created.returncode != 0:
            print(created.stderr, file=sys.stderr)
            return 1
        with open("base.json", encoding="utf-8") as f:
            base = json.load(f)
        base_lines = dry_run(dfc, "base.json")
        for _ in range(20):
            mutated = copy.deepcopy(base)
            applied = [mutate(rng, mutated) for _ in range(rng.randint(1, 3))]
            write("case.json", mutated)
            lines = dry_run(dfc, "case.json")
            if lines is None:
                continue  # the mutation made a pipeline that does not run
            failure = check_case(dfc, base, mutated, base_lines, lines)
            if failure:
                print(f"seed {seed}, case {done}: {failure}", file=sys.stderr)
                print(f"mutations: {applied}", file=sys.stderr)
                print("base:\n" + json.dumps(base, indent=1), file=sys.stderr)
                print("mutated:\n" + json.dumps(mutated, indent=1), file=sys.stderr)
                print("base commands:\n" + "\n".join(base_lines), file=sys.stderr)
                print("mutated commands:\n" + "\n".join(lines), file=sys.stderr)
                print("diff:\n" + run([dfc, "diff", "case.json"]).stdout, file=sys.stderr)
                return 1
            differing += lines != base_lines
            done += 1
    print(f"{done} cases, {differing} with other commands: the diff showed each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
