"""The document model of an expression graph (networkx, no Qt)."""

from playground.graph.document import Edge, Event, GraphDocument, GraphError

__all__ = ["Edge", "Event", "GraphDocument", "GraphError"]
