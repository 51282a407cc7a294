"""Every group's ports are found in one pass and kept (tests for GraphDocument's ports cache):
after any edit that can move a port, they are what finding them again gives."""

from __future__ import annotations

import random

from playground.graph.document import GraphDocument
from tests.graph.test_groups import random_grouping, tanh_from_exp


def fresh_ports(doc: GraphDocument) -> dict[str, object]:
    """Found again from the document as it is now (the cache dropped by hand)."""
    kept = doc._ports
    doc._ports = None
    try:
        return {g: doc.ports(g) for g in doc.groups()}
    finally:
        doc._ports = kept


def cached_ports(doc: GraphDocument) -> dict[str, object]:
    return {g: doc.ports(g) for g in doc.groups()}


def test_ports_follow_wires_members_and_the_output():
    doc, _ = tanh_from_exp()
    rng = random.Random(3)
    random_grouping(doc, rng, 4)
    assert doc.groups()
    assert cached_ports(doc) == fresh_ports(doc)
    gid = doc.groups()[0]
    inner = sorted(doc.inside(gid))
    # a member moved out and back (place_in: one "members" event)
    doc.place_in([inner[0]], None)
    assert cached_ports(doc) == fresh_ports(doc)
    doc.place_in([inner[0]], doc.group_of(inner[-1]) or gid)
    assert cached_ports(doc) == fresh_ports(doc)
    # a wire taken out and a new node wired in; the output marked elsewhere
    edge = doc.edges()[0]
    doc.disconnect(edge.target, edge.slot)
    assert cached_ports(doc) == fresh_ports(doc)
    doc.connect(edge.source, edge.target, edge.slot)
    extra = doc.add_node("op", op="tanh", group=gid)
    doc.connect(inner[0], extra, 0)
    assert cached_ports(doc) == fresh_ports(doc)
    doc.set_output(extra)
    assert cached_ports(doc) == fresh_ports(doc)
    doc.remove_node(extra)
    assert cached_ports(doc) == fresh_ports(doc)
    # a label or a place changes no port: the same objects are handed out
    before = cached_ports(doc)
    doc.set_group_label(gid, "renamed")
    doc.move_group(gid, (5.0, 5.0))
    assert all(doc.ports(g) is before[g] for g in before)
    doc.remove_group(gid)
    assert cached_ports(doc) == fresh_ports(doc)
