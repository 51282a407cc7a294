"""The hints of practice (``teach.practice``): the chain rule for the node asked, with the
known numbers filled in, in the canvas's names; through a group card, its local derivative
"computed by its inside" (``group_steps``' words). Headless: no Qt."""

from __future__ import annotations

from playground.graph.document import GraphDocument
from playground.graph.numbers import summary
from playground.ops import OPS
from playground.teach.practice_question import Question
from playground.teach.steps import Contribution
from playground.teach.text import d, expression, input_name, name, wrap


def grads(k: int) -> str:
    return "1 grad" if k == 1 else f"{k} grads"


def card_line(doc: GraphDocument, q: Question) -> str:
    """What a group card stands for: the output whose grad it shows."""
    assert q.card is not None
    g = name(doc, q.card)
    outputs = doc.ports(q.card).outputs
    if len(outputs) > 1:
        names = ", ".join(name(doc, o) for o in outputs)
        return (f"The card {g} is a group with {len(outputs)} outputs ({names}): this one is "
                f"{q.name} (the Inspector lists each output's numbers).")
    return (f"The card {g} stands for {q.name}, the value its inside computes: its grad is "
            f"{q.name}'s.")


def group_hint(doc: GraphDocument, out: str, q: Question, level: int) -> tuple[str, ...]:
    """``hint`` for a question whose chain rule meets a group: through a group card here
    ("computed by its inside", as ``group_steps`` says), or, inside a group, from outside it."""
    me = q.name
    g_here = name(doc, q.scope) if q.scope is not None else ""
    terms: list[tuple[str, str, str]] = []  # (symbols, with the unknowns, with the numbers)
    circular = False  # a term straight into the output: dL/dL · ... would read as circular
    locals_: list[str] = []
    if q.outside:
        came = sum(c.value for c in q.outside)
        known = f"{summary(came)} (from outside {g_here})"
        terms.append((known, known, summary(came)))
        locals_.append(f"{me} is an output of {g_here}: {summary(came)} flows back to it from "
                       f"what it feeds outside the group (one level up, {g_here}'s card asks "
                       "for this same grad).")
    for c in q.contributions:
        g = name(doc, c.consumer)
        if c.through_group and (c.consumer == q.card or not c.parts
                                or any(p.local is None for p in c.parts)):
            known = f"{summary(c.value)} (from inside {g})"
            terms.append((known, known, summary(c.value)))
            locals_.append(f"{me} is used inside {g} too: its inside sends {summary(c.value)} "
                           f"back to {me} (computed by its inside: open {g} to follow it).")
        elif c.through_group:
            for p in c.parts:
                o = name(doc, p.output)
                circular = circular or o == out
                terms.append((f"{d(out, o)} · {d(o, me)}", f"{summary(p.upstream)} · ?",
                              f"{summary(p.upstream)} · {summary(p.local)}"))
                if level >= 2:
                    locals_.append(f"{d(o, me)} = {summary(p.local)}, computed by its inside: "
                                   f"{g} is a group (double-click it to look inside).")
                else:
                    locals_.append(f"? is {d(o, me)}: how {g}'s output {o} moves when {me} "
                                   f"moves, computed by its inside (double-click {g} to open "
                                   "it and follow the chain there).")
        else:
            circular = circular or g == out
            terms.append((term(doc, out, c, q.contributions), f"{summary(c.upstream)} · ?",
                          f"{summary(c.upstream)} · {summary(c.local)}"))
            locals_.append(local_line(doc, me, c, reveal=level >= 2))
    if not q.contributions:  # an output of the group on show, used only outside it
        lines = [f"{q.prompt} = ?",
                 f"{me} is an output of {g_here}: its grad comes from outside the group, from "
                 f"what {me} feeds there. Go up a level (Alt+Up) to see it: {g_here}'s card "
                 "asks for this same grad."]
        if level >= 2:
            lines.append(f"Outside {g_here}, {me} feeds {fed(doc, q)}.")
        if level >= 3:
            lines.append(f"So {q.prompt} = {summary(q.expected)}.")
        return tuple(lines)
    unknown = " + ".join(t[1] for t in terms)
    if circular:
        lines = [f"{q.prompt} = {unknown}"]
    else:
        lines = [f"{q.prompt} = {' + '.join(t[0] for t in terms)} = {unknown}"]
    if q.card is not None:
        lines.append(card_line(doc, q))
    if len(terms) > 1:
        lines.append(f"{me} feeds {len(terms)} ways: what flows back along each one adds up.")
    lines += locals_
    if level >= 3:
        lines.append(f"So {q.prompt} = {' + '.join(t[2] for t in terms)} "
                     f"= {summary(q.expected)}.")
    return tuple(lines)


def fed(doc: GraphDocument, q: Question) -> str:
    """What an output of the group on show feeds outside it, named as the level above shows."""
    above = doc.group_of(q.scope) if q.scope is not None else None
    names = dict.fromkeys(name(doc, doc.representative(c.consumer, above) or c.consumer)
                          for c in q.outside)
    return ", ".join(names)


def term(doc: GraphDocument, out: str, c: Contribution, all_: tuple[Contribution, ...]) -> str:
    """``dL/de · de/da`` for one wire (``e`` is not the output: see ``hint``)."""
    me, t = name(doc, c.source), name(doc, c.consumer)
    return f"{d(out, t)} · {d(t, me)}{_which(doc, c, all_)}"


def _which(doc: GraphDocument, c: Contribution, all_: tuple[Contribution, ...]) -> str:
    """`` (left input)`` when the same consumer takes the node twice (``b = a + a``)."""
    if sum(1 for o in all_ if o.consumer == c.consumer) < 2:
        return ""
    return f" ({input_name(OPS[doc.op_name(c.consumer)].slots[c.slot], c.slot)})"


def local_line(doc: GraphDocument, me: str, c: Contribution, reveal: bool) -> str:
    """What ``?`` stands for: the local derivative, its formula and number when revealed."""
    t = c.consumer
    op = OPS[doc.op_name(t)]
    ins = [name(doc, s) for s in doc.inputs(t) if s is not None]
    # a binary op's operands in parentheses where needed: (e − 1) / (e + 1), not e − 1 / e + 1
    expr = expression(doc, t, [wrap(n) for n in ins] if op.arity == 2 else ins)
    local = d(name(doc, t), me) + _which(doc, c, (c, c) if _twice(doc, c) else (c,))
    if not reveal or c.local is None:
        return f"? is {local}: how {name(doc, t)} = {expr} moves when {me} moves."
    value = "" if _plain(c.local_formula) else f" = {summary(c.local)}"
    why = f" ({op.hint})" if op.hint else ""
    return f"{local} = {c.local_formula}{value}, as {name(doc, t)} = {expr}{why}."


def _twice(doc: GraphDocument, c: Contribution) -> bool:
    return sum(1 for s in doc.inputs(c.consumer) if s == c.source) > 1


def _plain(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
