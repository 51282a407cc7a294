"""Document evaluation speed: forward, forward+backward, load and layout, by graph size.

    python benchmarks/graph_eval.py [--repeat 15]

The graphs are random DAGs of add/mul/sub/tanh/sigmoid/relu nodes over 8 value nodes, each op
fed from the 20 most recent nodes (deep and bushy, like a small network written out by hand).
The editor re-evaluates after every edit, so the 2,000-node figure should be well under one
frame (16 ms). Times are medians (and best) of CPU time in this thread.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.graph import GraphDocument, io
from playground.graph.evaluate import evaluate
from playground.graph.layout import layered_layout
from playground.ops import OPS

OPS_USED = ("add", "mul", "sub", "tanh", "sigmoid", "relu")


def random_graph(n: int, seed: int = 0) -> GraphDocument:
    rng = random.Random(seed)
    doc = GraphDocument()
    ids = [doc.add_node("value", value=rng.uniform(-1, 1), node_id=f"v{i}") for i in range(8)]
    while len(ids) < n:
        name = rng.choice(OPS_USED)
        nid = doc.add_node("op", op=name, node_id=f"o{len(ids)}")
        for slot in range(OPS[name].arity):
            doc.connect(rng.choice(ids[-20:]), nid, slot)
        ids.append(nid)
    doc.set_output(ids[-1])
    return doc


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, best) in milliseconds."""
    times = []
    for _ in range(repeat):
        t = time.thread_time()
        fn()
        times.append((time.thread_time() - t) * 1e3)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(f"{'nodes':>7}  {'forward':>16}  {'fwd+backward':>16}  {'load':>16}  {'layout':>16}")
    print(
        f"{'':>7}  {'median (best) ms':>16}  {'median (best) ms':>16}  "
        f"{'median (best) ms':>16}  {'median (best) ms':>16}"
    )
    fwd_bwd = 0.0
    for n in (200, 2_000, 20_000):
        doc = random_graph(n)
        repeat = args.repeat if n <= 2_000 else max(3, args.repeat // 5)
        evaluate(doc, backward=True)  # warm up
        text = io.dumps(doc)
        cols = [
            timed(lambda d=doc: evaluate(d), repeat),
            timed(lambda d=doc: evaluate(d, backward=True), repeat),
            timed(lambda t=text: io.loads(t), max(3, repeat // 3)),
            timed(lambda d=doc: layered_layout(d), max(3, repeat // 3)),
        ]
        cells = "  ".join(f"{f'{m:8.2f} ({b:.2f})':>16}" for m, b in cols)
        print(f"{n:>7,}  {cells}")
        if n == 2_000:
            fwd_bwd = cols[1][0]
    print(
        f"\nforward+backward at 2,000 nodes: {fwd_bwd / 2_000 * 1e3:.1f} µs per node, "
        f"{16 / fwd_bwd:.1f}x under a 16 ms frame"
    )


if __name__ == "__main__":
    main()
