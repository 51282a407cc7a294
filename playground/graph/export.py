"""Exports: graphviz DOT text, a micrograd-style Python script, a PyTorch script.

- ``to_dot(doc, evaluation=None)``: records like micrograd's ``draw_dot``
  (``label | data 2.0000 | grad -1.5000``, numbers written as on the canvas), each op as its
  own small node feeding the record of its result. Plain text: graphviz is not needed to produce it.
- ``to_python(doc)``: a script that rebuilds the graph with ``Value`` (or ``Tensor`` when the
  graph holds tensors), calls ``backward()`` and prints every node's data and grad under the
  name its card shows (``doc.display_name``: ``a*b``, never ``mul4``). Running it reproduces
  ``evaluate(doc, backward=True)``. A graph of micrograd's own ops only (``MICROGRAD_OPS``)
  imports micrograd's ``Value`` when it is there, else the playground's, and sets labels after
  construction (micrograd's ``Value`` takes no ``label=``); any other script says on its first
  line that it needs the playground.
- ``to_torch(doc)``: the same with float64 torch tensors (interior nodes ``retain_grad()``).

Groups: DOT draws each group as a cluster labelled with its name, nested as the groups nest.
The scripts take ``groups="function"`` (the default, File ▸ Export's): each group a ``def`` of
its input ports returning its output ports (a tuple for several), called where the group sits,
a nested group a call inside its parent's def (``export_groups.plan_groups``; a group a value
leaves and comes back into is written out flat, and the header says so); or ``groups="flat"``:
every node written out, a group's nodes together where it sits. The header comment says which.
What a def computes inside goes into the script's ``nodes`` dict, so the print-out still shows
every node. Both modes make the same ops on the same values in the same sequence, so they print
the same numbers bit for bit; with the playground's engine those are ``evaluate``'s exactly,
groups or not. PyTorch adds a value's grad contributions in the order its users were made, so
a grouped graph's torch script can differ from the ungrouped graph's in the last bit of a grad
summed from three or more uses (2 of 120 random graphs).

The op table's ``py`` and ``torch`` templates write each op's expression, with each node's own
parameters (``x.sum(axis=0, keepdims=False)``, ``x.sum(dim=0, keepdim=False)``); the DOT op
node shows them too (``Σ axis=0``). A graph that cannot be evaluated (an input not connected, a
bad literal, an axis the input does not have) raises ``ExportError`` naming the node.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from playground.engine import tensor as engine_tensor
from playground.graph import numbers
from playground.graph import params as P
from playground.graph.document import GraphDocument, GraphError
from playground.graph.evaluate import Evaluation, evaluate
from playground.graph.export_groups import plan_groups
from playground.graph.export_names import identifier, reserved_names, variable_names
from playground.ops import OPS

HEADER = "Rebuilt from a Backprop Playground graph. Run: python this_file.py"

MICROGRAD_OPS = frozenset({"add", "sub", "mul", "div", "powc", "neg", "relu"})
"""The ops micrograd's own ``Value`` has (+ − * / **number, unary −, relu): a script of a graph
using only these runs with ``pip install micrograd`` and no playground."""


class ExportError(ValueError):
    """The graph cannot be exported as code; the message names the node and the problem."""


# --- DOT ----------------------------------------------------------------------------------


def to_dot(doc: GraphDocument, evaluation: Evaluation | None = None, rankdir: str = "LR") -> str:
    """Graphviz text. Without ``evaluation``, the graph is evaluated with backward."""
    ev = evaluation if evaluation is not None else evaluate(doc, backward=True)
    lines = [
        "digraph G {",
        f"  rankdir={rankdir};",
        '  node [shape=record, fontname="Helvetica"];',
    ]
    scoped: dict[str | None, list[str]] = {}
    for n in doc.node_ids():
        scoped.setdefault(doc.group_of(n), []).append(n)
    within: dict[str | None, list[str]] = {}
    for g in doc.groups():
        within.setdefault(doc.group_of(g), []).append(g)

    def scope_lines(scope: str | None, indent: str) -> None:
        """The nodes of ``scope``, then each group in it as a cluster labelled with its
        name, its own nodes and groups inside (graphviz draws nested clusters nested)."""
        for n in scoped.get(scope, ()):
            lines.extend(indent + line for line in _node_lines(doc, ev, n))
        for g in within.get(scope, ()):
            lines.append(f"{indent}subgraph {_q('cluster_' + g)} {{")
            lines.append(f"{indent}  label={_q(doc.display_name(g))}; style=rounded;")
            scope_lines(g, indent + "  ")
            lines.append(f"{indent}}}")

    scope_lines(None, "  ")
    for e in sorted(doc.edges(), key=lambda e: (e.target, e.slot)):
        op = OPS[doc.op_name(e.target)]  # type: ignore[index]
        attrs = ""
        if op.arity > 1 and op.name not in ("add", "mul"):  # order matters: say which input
            attrs = f" [label={_q(op.slots[e.slot])}]"
        lines.append(f"  {_q(e.source)} -> {_q(e.target + '·op')}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_lines(doc: GraphDocument, ev: Evaluation, n: str) -> list[str]:
    """A node's record, and its op's ellipse feeding it."""
    r = ev.results.get(n)
    label = _record_escape(doc.display_name(n))  # as the card shows it
    if r is None or r.error:
        body = f"{label} | {_record_escape(r.error if r else 'not evaluated')}"
    else:
        body = f"{label} | data {_fmt(r.data)} | grad {_fmt(r.grad)}"
    lines = [f'{_q(n)} [label="{{ {body} }}"];']
    op = doc.op_name(n)
    if op:
        hint = P.hint(op, doc.params(n))
        symbol = P.symbol(op, doc.params(n))  # powc: "**2", as draw_dot shows _op
        symbol = f"{symbol} {hint}" if hint else symbol
        lines.append(f"{_q(n + '·op')} [label={_q(symbol)}, shape=ellipse];")
        lines.append(f"{_q(n + '·op')} -> {_q(n)};")
    return lines


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _record_escape(text: str) -> str:
    text = re.sub(r'([{}|<>"\\])', r"\\\1", text)
    return text.replace("\n", " ")


DOT_ELEMENTS = 6
"""A tensor with at most this many elements is written in full in its record."""


def _fmt(x: Any) -> str:
    """As the canvas writes it (``playground.graph.numbers``): ``2.0000``, small tensors in
    full, bigger ones as their shape and mean."""
    if isinstance(x, np.ndarray) and 1 < x.size <= DOT_ELEMENTS:
        return _record_escape(numbers.nested(x))
    return _record_escape(numbers.summary(x))


# --- code ---------------------------------------------------------------------------------


GROUP_MODES = ("function", "flat")
"""How a script writes the graph's groups: each as a function, or every node flattened."""


def to_python(doc: GraphDocument, groups: str = "function") -> str:
    """A runnable script using ``playground.engine`` that prints each node's data and grad;
    ``groups``: each group as a function (called where it sits) or ``"flat"``."""
    return _Script(doc, "python", groups).render()


def to_torch(doc: GraphDocument, groups: str = "function") -> str:
    """A runnable PyTorch (float64) script that prints each node's data and grad."""
    return _Script(doc, "torch", groups).render()


class _Script:
    def __init__(self, doc: GraphDocument, flavour: str, groups: str = "function") -> None:
        if groups not in GROUP_MODES:
            raise ValueError(f"groups must be 'function' or 'flat', not {groups!r}")
        self.doc = doc
        self.flavour = flavour
        ev = evaluate(doc)
        errors = ev.errors()
        if ev.problems and not ev.results:
            raise ExportError(ev.problems[0])
        if errors:
            n = next(n for n in ev.order if n in errors) if ev.order else next(iter(errors))
            raise ExportError(f"{doc.display_name(n)}: {errors[n]}")
        self.order = ev.order
        self.ev = ev
        self.tensor = ev.engine == "tensor"
        try:
            self.output: str | None = doc.output_node()
        except GraphError:
            self.output = None
        self.names = variable_names(self.order, self._variable_source)
        self.grouped = bool(doc.groups())
        plan = plan_groups(doc, self.order) if self.grouped else None
        self.plan = plan if groups == "function" else None
        self.function_names = self._function_names() if self.plan else {}
        self.written = plan.flat_order() if plan is not None else self.order
        """The order the nodes are computed in: with groups, the functions' order in both
        modes, so the flat and the function script create their ops in the same sequence
        (torch adds a value's grad contributions in the order its users were made)."""

    def _variable_source(self, node_id: str) -> str:
        """What a node's variable is named after: its card's name (``a*b`` -> ``a_times_b``),
        or its op where that name is shortened (``sum(…)`` -> ``sum_``)."""
        shown = self.doc.display_name(node_id)
        return (self.doc.op_name(node_id) or shown) if "…" in shown else shown

    def render(self) -> str:
        torch = self.flavour == "torch"
        doc, names = self.doc, self.names
        out: list[str] = []
        extra = self.beyond_micrograd()
        if not torch and extra:  # said first, before anything fails to import
            out.append(f"# Needs Backprop Playground (pip install backprop-playground): "
                       f"micrograd's Value has no {', '.join(extra)}.")
        out += [
            '"""Rebuilt from a Backprop Playground graph. Run: python this_file.py"""',
            *self.groups_comment(),
            "",
        ]
        if torch:
            out += ["import torch", ""]
        elif self.tensor:
            out += ["import numpy as np", "", "from playground.engine import Tensor"]
            functions = sorted(self.functions())
            if functions:
                out.append(f"from playground.engine.tensor import {', '.join(functions)}")
            out.append("")
        elif extra:
            out += ["from playground.engine import Value", ""]
        else:  # micrograd's own ops only: runs with either package
            out += [
                "try:",
                "    from micrograd.engine import Value  # pip install micrograd",
                "except ImportError:",
                "    from playground.engine import Value",
                "",
            ]
        out += [""]
        globals_ = set(self.order)
        if self.plan is None:
            for n in self.written:
                out += self.node_lines(n)
        else:
            globals_, code = self.group_code()
            out += code
        out.append("")
        if self.output is not None:
            root = names[self.output]
            if self.tensor or torch:
                ones = "torch.ones_like" if torch else "np.ones_like"
                data = f"{root}" if torch else f"{root}.data"
                out += [
                    f"if {root}.numel() == 1:" if torch else f"if {root}.data.size == 1:",
                    f"    {root}.backward()",
                    "else:  # not a single number: seed with ones, as if summed",
                    f"    {root}.backward({ones}({data}))",
                ]
            else:
                out.append(f"{root}.backward()")
        else:
            out.append("# no single output (several nodes have no consumer): no backward")
        out += ["", "", "def show(name, v):"]
        if torch:
            out += [
                "    data = v.detach().tolist()",
                "    grad = None if v.grad is None else v.grad.tolist()",
            ]
        elif self.tensor:
            out += [
                "    data = v.data.tolist()",
                "    grad = None if v.grad is None else v.grad.tolist()",
            ]
        else:
            out += ["    data, grad = v.data, v.grad"]
        out += ['    print(f"{name:<16} data {data!r:<28} grad {grad!r}")', "", ""]
        for n in self.order:  # printed under the name its card shows, never its internal id
            var = names[n] if n in globals_ else f"nodes[{names[n]!r}]"
            out.append(f"show({doc.display_name(n)!r}, {var})")
        return "\n".join(out) + "\n"

    def node_lines(self, n: str, indent: str = "") -> list[str]:
        """The lines that compute node ``n`` (and label it, or keep its torch grad)."""
        torch = self.flavour == "torch"
        doc, names = self.doc, self.names
        var = names[n]
        label = doc.label(n)
        out = []
        if doc.kind(n) == "value":
            out.append(f"{var} = {self.leaf(doc.value(n))}")
            if label and not (torch or self.tensor):  # micrograd's Value(label=) fails
                out.append(f"{var}.label = {label!r}")
            return [indent + line for line in out]
        op = OPS[doc.op_name(n)]  # type: ignore[index]
        template = op.torch if torch else op.py
        sources = doc.inputs(n)
        args = [names[s] for s in sources]  # type: ignore[index]
        first = self.ev.results[sources[0]].data if sources else None  # type: ignore[index]
        template = _with_keywords(template, op.name, doc.params(n), doc.display_name(n))
        expr = template.format(*args, **_params(op.name, doc.params(n), np.ndim(first)))
        if expr.startswith("(") and expr.endswith(")") and _balanced(expr[1:-1]):
            expr = expr[1:-1]
        out.append(f"{var} = {expr}")
        if torch:
            out.append(f"{var}.retain_grad()")
        elif label and not self.tensor:  # Tensor has no label
            out.append(f"{var}.label = {label!r}")
        return [indent + line for line in out]

    # --- groups ----------------------------------------------------------------------------

    def groups_comment(self) -> list[str]:
        """The header's word on groups: written as functions, or flattened (and which group
        could not be one call, and why)."""
        if not self.grouped:
            return []
        if self.plan is None:
            return ["# groups flattened: every node is written out, a group's nodes together "
                    "where the group sits"]
        out = ["# groups are written as functions: each group is a def of its inputs that "
               "returns its outputs,", "# called where the group sits (a nested group is a "
               "call inside its parent's def)"]
        for g in self.plan.flattened:
            out.append(f"# group {self.doc.display_name(g)!r} is written out flat: a value "
                       "leaves it and comes back in, so it cannot be one call")
        return out

    def _function_names(self) -> dict[str, str]:
        """A distinct function name per group written as one, after its label (``tanh`` ->
        ``tanh_group``), clashing with no variable, builtin or name the script uses."""
        taken = reserved_names() | set(self.names.values())
        out = {}
        for g in self.plan.functions:  # type: ignore[union-attr]
            base = identifier(self.doc.group_label(g) or "group")
            base = base if base.endswith("group") else f"{base}_group"
            name, i = base, 2
            while name in taken:
                name = f"{base}_{i}"
                i += 1
            taken.add(name)
            out[g] = name
        return out

    def group_code(self) -> tuple[set[str], list[str]]:
        """The defs and the top level's lines; the nodes whose variables are global (the rest
        are printed from ``nodes``, which each def fills with what it computed)."""
        plan = self.plan
        assert plan is not None
        names = self.names
        out = ["nodes = {}  # what the groups compute inside, by variable name, for the "
               "print-out", "", ""] if plan.functions else []
        for g, body in plan.functions.items():
            ports = plan.ports[g]
            params = ", ".join(names[n] for n in ports.inputs)
            out.append(f"def {self.function_names[g]}({params}):")
            ins = ", ".join(self.doc.display_name(n) for n in ports.inputs) or "nothing"
            outs = ", ".join(self.doc.display_name(n) for n in ports.outputs) or "nothing"
            about = f"Group {self.doc.display_name(g)!r}: {ins} in, {outs} out."
            out.append(f"    {_docstring(about)}")
            lines, computed = self.body_lines(body.items, "    ")
            out += lines
            kept = [n for n in computed if n not in ports.outputs]
            if kept:
                out += _call_lines("    nodes.update(", [f"{names[n]}={names[n]}" for n in kept])
            if ports.outputs:
                out.append(f"    return {', '.join(names[n] for n in ports.outputs)}")
            out += ["", ""]
        lines, computed = self.body_lines(plan.top.items, "")
        return set(computed), out + lines

    def body_lines(self, items: list[tuple[str, str]], indent: str
                   ) -> tuple[list[str], list[str]]:
        """The lines of one body, and the nodes whose values it holds afterwards."""
        plan = self.plan
        assert plan is not None
        names = self.names
        out: list[str] = []
        computed: list[str] = []
        for kind, item in items:
            if kind == "node":
                out += self.node_lines(item, indent)
                computed.append(item)
                continue
            ports = plan.ports[item]
            call = f"{self.function_names[item]}({', '.join(names[n] for n in ports.inputs)})"
            if ports.outputs:
                targets = ", ".join(names[n] for n in ports.outputs)
                out.append(f"{indent}{targets} = {call}")
            else:
                out.append(f"{indent}{call}")
            computed += ports.outputs
        return out, computed

    def functions(self) -> set[str]:
        """Engine functions the Python templates call (``concat``, ``log_softmax``...)."""
        used = set()
        for n in self.order:
            op = self.doc.op_name(n)
            if op:
                m = re.match(r"([a-z_]+)\(", OPS[op].py)
                if m and hasattr(engine_tensor, m[1]):
                    used.add(m[1])
        return used

    def beyond_micrograd(self) -> list[str]:
        """The ops of this graph that micrograd's ``Value`` lacks, as the table writes them."""
        if self.tensor:
            return ["tensors"]
        used = {self.doc.op_name(n) for n in self.order} - {None}
        return sorted(OPS[o].symbol if o != "pow" else "value ** value"  # type: ignore[index]
                      for o in used - MICROGRAD_OPS)

    def leaf(self, value: Any) -> str:
        lit = _literal_code(value)
        if self.flavour == "torch":
            return f"torch.tensor({lit}, dtype=torch.float64, requires_grad=True)"
        if self.tensor:
            return f"Tensor({lit}, requires_grad=True)"
        return f"Value({lit})"


def _params(op: str, params: dict[str, Any], ndim: int) -> dict[str, str]:
    """The node's parameters as code for the templates (numpy and torch read them alike)."""
    out = {}
    for key, value in P.effective(op, params).items():
        if key == "axes" and value is None:  # transpose's default: reverse every axis
            value = list(range(ndim))[::-1]
        if key == "index":
            out[key] = value or "()"  # checked by params.parse_index: constants only
        elif isinstance(value, list):
            out[key] = repr(tuple(value))
        else:
            out[key] = repr(value)
    return out


def _with_keywords(template: str, op: str, params: dict[str, Any], name: str) -> str:
    """``template`` with a ``key={key}`` keyword added for each parameter the node changes
    that the template does not mention (cross_entropy's reduction): a call takes it as a
    keyword argument; anything else cannot say it, and is refused rather than exported wrong."""
    defaults = P.defaults(op)
    missing = [k for k, v in params.items() if v != defaults.get(k) and f"{{{k}}}" not in template]
    if not missing:
        return template
    if not template.endswith(")"):
        raise ExportError(f"{name}: its {missing[0]} cannot be written in this script")
    extra = "".join(f", {k}={{{k}}}" for k in missing)
    return template[:-1] + extra + ")"


def _call_lines(start: str, args: list[str], width: int = 99) -> list[str]:
    """``start`` + the arguments + ``)``, on one line when it fits, else one argument line
    after another, indented under the call."""
    line = f"{start}{', '.join(args)})"
    if len(line) <= width:
        return [line]
    indent = " " * (len(start) - len(start.lstrip()) + 4)
    out, current = [start], indent
    for arg in args:
        if current.strip() and len(current) + len(arg) + 2 > width:
            out.append(current.rstrip())
            current = indent
        current += f"{arg}, "
    out.append(current.rstrip().rstrip(","))
    out.append(" " * (len(start) - len(start.lstrip())) + ")")
    return out


def _docstring(text: str) -> str:
    """``text`` as a docstring: in triple quotes when it can be, else as Python writes it (a
    name holding a quote, a backslash or a line break)."""
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        return repr(text)
    return f'"""{text}"""'


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _literal_code(x: Any) -> str:
    if isinstance(x, list):
        return "[" + ", ".join(_literal_code(v) for v in x) + "]"
    if math.isnan(x):
        return 'float("nan")'
    if math.isinf(x):
        return 'float("inf")' if x > 0 else 'float("-inf")'
    return repr(float(x))
