"""Loading one big tensor literal: a (1,000,000, 1) column of random floats, as the app saves it.

Prints the seconds ``io.load`` takes (wall clock, and CPU: on a busy machine the CPU time is the
steadier figure), 3 runs, and where they go: the JSON parse (``io_check.parse_json``), the
literal checks (``io_check.check_nodes``) and building the document (its plain copy of the
value). Usage: ``python benchmarks/literal_load.py [rows]``.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

from playground.graph import io, io_check
from playground.graph.document import GraphDocument


def column_file(path: Path, rows: int) -> Path:
    rng = random.Random(0)
    doc = {"format": "backprop-playground", "version": 1,
           "nodes": [{"id": "a", "kind": "value", "value": [[rng.uniform(-1, 1)]
                                                            for _ in range(rows)]}]}
    path.write_text(json.dumps(doc))
    return path


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        path = column_file(Path(folder) / "column.json", rows)
        text = path.read_text()
        print(f"a ({rows:,}, 1) literal, {len(text) / 2**20:.1f} MiB")
        for run in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            doc = io.load(path)
            total, cpu = time.perf_counter() - t0, time.process_time() - c0
            t0 = time.perf_counter()
            data = io_check.parse_json(text)
            parse = time.perf_counter() - t0
            t0 = time.perf_counter()
            nodes = io_check.check_nodes(data)
            check = time.perf_counter() - t0
            t0 = time.perf_counter()
            GraphDocument().add_node("value", value=nodes["a"]["value"], node_id="a")
            build = time.perf_counter() - t0
            assert len(doc.value("a")) == rows
            print(f"  run {run + 1}: io.load {total:.2f} s, CPU {cpu:.2f} s  (parse "
                  f"{parse:.2f}, checks {check:.2f}, document {build:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
