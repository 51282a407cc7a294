"""docs/file-format.md's list of op names is the op table's: every op a file may name, read
from ``playground.ops.OPS`` (a new op fails this test until the doc lists it).

Rewrite the doc's list from the table: ``python tests/test_file_format_doc.py --write``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "file-format.md"
LIST = re.compile(r"an op name of the op table: `[^`]*`, and the tensor ops `[^`]*`")


def op_list_text() -> str:
    """The doc's words for the op names, scalar ops first, in the table's order."""
    from playground.ops import OPS

    scalar = " ".join(name for name, op in OPS.items() if op.scalar)
    tensor = " ".join(name for name, op in OPS.items() if not op.scalar)
    return f"an op name of the op table: `{scalar}`, and the tensor ops `{tensor}`"


def test_the_docs_list_every_op_of_the_table_and_no_other() -> None:
    from playground.ops import OPS

    found = LIST.findall(DOC.read_text(encoding="utf-8"))
    assert len(found) == 1, "docs/file-format.md lost its op list"
    assert found[0] == op_list_text(), (
        "docs/file-format.md's op list differs from the op table: run "
        "python tests/test_file_format_doc.py --write"
    )
    listed = set(re.findall(r"`([^`]*)`", found[0])[0].split())
    listed |= set(re.findall(r"`([^`]*)`", found[0])[1].split())
    assert listed == set(OPS)
    assert {"linear", "sumsq", "hinge"} <= listed


if __name__ == "__main__" and "--write" in sys.argv:
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(LIST.sub(op_list_text(), text, count=1), encoding="utf-8")
    print(f"wrote the op list of {DOC}")
