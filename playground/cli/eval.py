"""``backprop-playground eval FILE [--backward] [--json]``: evaluate a saved graph headlessly.

Output: a table (label, op with the parameters the node sets, data, grad, and any error or
warning), or with ``--json`` one object ``{"output": ID, "problems": [...], "nodes": [{"id",
"label", "op", "data", "grad", "error", "warnings"}]}`` with nodes in evaluation order, ``op``
null for values, ``grad`` null without ``--backward`` (and for nodes the output does not depend on),
tensors as nested lists, and nan/inf as the strings "nan", "inf", "-inf" (as in the file
format). ``warnings`` lists what the table notes about a node that computed (``["value is
-inf"]``, ``["result is nan: log of a negative number"]``); ``[]`` when there is nothing.
A node whose op takes parameters (sum's ``axis``, reshape's ``shape``, ...) also has
``"params"``: every parameter, the node's own values over the op's defaults, in the file's form
(``{"axis": 0, "keepdims": false}``); other nodes have no ``params`` key.

Exit status: 0 evaluated; 1 the graph cannot be evaluated (a node has an error, or backward
has no single output), the reasons in the output; 2 the file cannot be read or is not a valid
graph, with one line ``error: FILE: reason`` on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from playground.graph.document import GraphDocument

EXIT_OK, EXIT_GRAPH, EXIT_FILE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a graph file (.json)")
    parser.add_argument(
        "--backward", action="store_true", help="also run backward from the output node"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    from playground.graph.evaluate import evaluate
    from playground.graph.io import LoadError, load

    try:
        doc = load(args.file)
    except LoadError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return EXIT_FILE
    ev = evaluate(doc, backward=args.backward)
    rows = []
    for n in ev.order or doc.node_ids():
        r = ev.results.get(n)
        rows.append(
            {
                "id": n,
                "label": doc.label(n),
                "op": doc.op_name(n),
                "params": _params(doc, n),
                "own_params": doc.params(n) if doc.kind(n) == "op" else {},
                "data": None if r is None else r.data,
                "grad": None if r is None else r.grad,
                "error": None if r is None else r.error,
                "warning": None if r is None else r.warning,
            }
        )
    try:
        if args.json:
            print(_json(ev.output, ev.problems, rows))
        else:
            print(_table(rows, ev.problems, ev.output, args.backward))
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head`: fine
        sys.stderr.close()
    return EXIT_OK if ev.ok() else EXIT_GRAPH


def _params(doc: GraphDocument, node_id: str) -> dict[str, Any] | None:
    """Every parameter of the node's op (defaults included: a sum's axis null says "all"), or
    None for values and ops without parameters."""
    return doc.effective_params(node_id) or None


def _plain(x: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, np.ndarray):
        return _plain(x.tolist())
    if isinstance(x, list):
        return [_plain(v) for v in x]
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _json(output: str | None, problems: list[str], rows: list[dict[str, Any]]) -> str:
    nodes = []
    for r in rows:
        node = {"id": r["id"], "label": r["label"], "op": r["op"]}
        if r["params"] is not None:
            node["params"] = r["params"]
        node.update(data=_plain(r["data"]), grad=_plain(r["grad"]), error=r["error"],
                    warnings=[r["warning"]] if r["warning"] else [])
        nodes.append(node)
    return json.dumps(
        {"output": output, "problems": problems, "nodes": nodes},
        ensure_ascii=False,
        allow_nan=False,
    )


def _num(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, np.ndarray):
        text = np.array2string(x, precision=4, separator=", ", suppress_small=True)
        text = " ".join(text.split())
        return text if len(text) <= 40 else f"array of shape {x.shape}"
    return f"{x:.6g}"


def _table(rows: list[dict[str, Any]], problems: list[str], output: str | None, bwd: bool) -> str:
    from playground.ops import OPS

    header = ("label", "op", "data", "grad", "")
    body = []
    for r in rows:
        label = r["label"] or f"({r['id']})"
        op = OPS[r["op"]].symbol if r["op"] else ""
        if r["own_params"]:  # the defaults go without saying here (the JSON has them all)
            op += " " + _params_text(r["own_params"])
        note = f"error: {r['error']}" if r["error"] else (r["warning"] or "")
        if r["id"] == output:
            note = ("output" + (f"; {note}" if note else "")) if bwd else note
        body.append((label, op, _num(r["data"]), _num(r["grad"]), note))
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(4)]
    lines = []
    for row in [header, *body]:
        cells = [row[i].ljust(widths[i]) if i < 2 else row[i].rjust(widths[i]) for i in range(4)]
        lines.append(("  ".join(cells) + ("  " + row[4] if row[4] else "")).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    for p in problems:
        lines.append(f"problem: {p}")
    return "\n".join(lines)


def _params_text(params: dict[str, Any]) -> str:
    """``axis=0 keepdims=false``: the JSON form of each value, without spaces."""
    return " ".join(
        f"{k}={json.dumps(v, ensure_ascii=False, separators=(',', ':'))}" for k, v in params.items()
    )
