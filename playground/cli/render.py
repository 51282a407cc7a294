"""``backprop-playground render FILE -o OUT.png|OUT.svg [--backward]``: a graph to an image.

The canvas's own painter draws it (no window, no graphviz): micrograd's ``draw_dot`` with
data and grad on every node.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a graph file (.json)")
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="the image to write: .png or .svg"
    )
    parser.add_argument(
        "--backward", action="store_true", help="run Backward first, so every node shows its grad"
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="PNG pixels per canvas unit (2 is crisp)"
    )


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix.lower() not in (".png", ".svg"):
        print(f"error: {out}: the output must end in .png or .svg", file=sys.stderr)
        return 2
    if not 0.1 <= args.scale <= 8:
        print("error: --scale must be between 0.1 and 8", file=sys.stderr)
        return 2
    from playground.graph.evaluate import evaluate
    from playground.graph.io import LoadError, load

    try:
        doc = load(args.file)
    except LoadError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 2
    evaluation = evaluate(doc, backward=args.backward)
    for problem in evaluation.problems:
        print(f"warning: {args.file}: {problem}", file=sys.stderr)

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from playground.ui.canvas.render import ImageNotWritten, write_image

    try:  # the same checks as File > Export: no half image, an older one kept
        write_image(doc, evaluation, out, scale=args.scale)
    except ImageNotWritten as exc:
        print(f"error: {out}: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({len(doc)} nodes{', with grads' if evaluation.backward else ''})")
    return 0

