"""The workloads of the tensor benchmarks: our steps and the references they are compared to.

Imported by ``tensor_engine.py`` and ``training.py`` (not a script), so both measure the same
steps on the same problems against the same references:

- the moons demo: micrograd's demo data (``moons(100, 0.1, seed=1337)``), MLP 2-16-16-1 with
  ReLU hidden layers and a linear output, SVM max-margin loss ``mean(relu(1 - y*score))`` plus
  ``ALPHA * sum(p*p)`` over all parameters, full batch, plain SGD, float64;
- the big MLP: 784-256-256-10, ReLU, batch 256 of random data, softmax cross-entropy, SGD,
  float32.

Each ``*_step`` builder takes the initial weights ``[W1, b1, W2, b2, W3, b3]`` (it works on
copies) and returns ``step(lr) -> loss``: forward, loss, backward, update. All of them compute
the same maths, L2 penalty included (in the loss and in the gradient, ``2*ALPHA*p``), so their
loss curves agree to rounding; the benchmarks print the largest difference.

The hand-written numpy references are written as a careful numpy user would: no graph, every
gradient by hand, products with BLAS, no needless temporaries, the L2 value as one dot product
per parameter (``np.vdot``), and constants (``-y/n``) computed once. They are the floor a
Python autograd engine on numpy can approach, not a strawman.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from playground.engine import losses
from playground.engine.data import moons
from playground.engine.nn import TensorMLP
from playground.engine.optim import SGD
from playground.engine.tensor import Tensor

ALPHA = 1e-4
"""The demo's L2 weight: micrograd's ``reg_loss = alpha * sum((p*p) for p in parameters)``."""

Step = Callable[[float], float]


def demo_problem() -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """(X (100, 2), y as -1/+1 (100,), initial weights): micrograd's demo, from seed 1337."""
    ds = moons(100, 0.1, seed=1337)
    weights = TensorMLP(2, [16, 16, 1], seed=1337).weights()
    return ds.X, ds.signs(), [w for pair in weights for w in pair]


def big_problem() -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """(X (256, 784) float32, class indices (256,), initial float32 weights, He-like scale)."""
    rs = np.random.RandomState(0)
    X = rs.normal(size=(256, 784)).astype(np.float32)
    y = rs.randint(0, 10, size=256)
    weights = TensorMLP(784, [256, 256, 10], seed=0, dtype=np.float32).weights()
    out = []
    for W, b in weights:  # scale uniform(-1, 1) down to a trainable start
        out += [(W * np.sqrt(6.0 / W.shape[0])).astype(np.float32), b.astype(np.float32)]
    return X, y, out


# --- ours -------------------------------------------------------------------------------------


def _model(weights: list[np.ndarray], dtype: type = np.float64) -> TensorMLP:
    sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights[::2]]
    model = TensorMLP(sizes[0], sizes[1:], seed=0, dtype=dtype)
    model.load_weights(list(zip(weights[::2], weights[1::2], strict=True)))
    return model


def tensor_demo_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> Step:
    """The demo as a user of the library writes it: ``TensorMLP``, ``losses.svm`` +
    ``losses.l2``, ``optim.SGD``."""
    model = _model(weights)
    params = model.parameters()
    opt = SGD(params, lr=1.0)
    Xt = Tensor(X)

    def step(lr: float) -> float:
        loss = losses.svm(model(Xt), y) + losses.l2(params, ALPHA)
        opt.zero_grad()
        loss.backward()
        opt.lr = lr
        opt.step()
        return loss.item()

    return step


def tensor_demo_raw_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> Step:
    """The demo written with the Tensor's operators only, micrograd's expressions one op at a
    time (18 more graph nodes than the library's fused ``linear``/``hinge``/``sumsq``)."""
    params = [Tensor(w.copy(), requires_grad=True) for w in weights]
    W1, b1, W2, b2, W3, b3 = params
    Xt = Tensor(X)
    yc = y.reshape(-1, 1)

    def step(lr: float) -> float:
        h1 = (Xt @ W1 + b1).relu()
        h2 = (h1 @ W2 + b2).relu()
        scores = h2 @ W3 + b3
        data_loss = (1 - yc * scores).relu().mean()
        reg_loss = ALPHA * sum((p * p).sum() for p in params)
        loss = data_loss + reg_loss
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.item()

    return step


def tensor_demo_user_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> Step:
    """The demo as a PyTorch user writes it with plain operators: weights stored (out, in) as
    ``nn.Linear`` does, ``x @ W.T + b``, ``.relu()``, the hinge as ``(1 + -y*s).relu().mean()``
    and the L2 penalty as a sum of ``(p*p).sum()``: no fused op anywhere."""
    params = []
    for w, b in zip(weights[::2], weights[1::2], strict=True):
        params += [Tensor(w.T.copy(), requires_grad=True), Tensor(b.copy(), requires_grad=True)]
    W1, b1, W2, b2, W3, b3 = params
    Xt = Tensor(X)
    yt = Tensor(y.reshape(-1, 1))

    def step(lr: float) -> float:
        h1 = (Xt @ W1.T + b1).relu()
        h2 = (h1 @ W2.T + b2).relu()
        s = h2 @ W3.T + b3
        data_loss = (1 + -yt * s).relu().mean()
        reg_loss = ALPHA * sum((p * p).sum() for p in params)
        loss = data_loss + reg_loss
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.item()

    return step


def tensor_big_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> Step:
    """``TensorMLP`` (float32) + ``losses.cross_entropy`` + ``optim.SGD``."""
    model = _model(weights, np.float32)
    opt = SGD(model.parameters(), lr=0.01)
    Xt = Tensor(X)

    def step(lr: float) -> float:
        loss = losses.cross_entropy(model(Xt), y)
        opt.zero_grad()
        loss.backward()
        opt.lr = lr
        opt.step()
        return loss.item()

    return step


# --- hand-written numpy -----------------------------------------------------------------------


def numpy_demo_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> Step:
    params = [w.copy() for w in weights]
    W1, b1, W2, b2, W3, b3 = params
    yc = y.reshape(-1, 1)
    neg_y_n = -yc / len(y)  # d mean(1 - y*s) / ds where the margin is positive
    decay = 2 * ALPHA

    def step(lr: float) -> float:
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0.0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0.0)
        s = h2 @ W3 + b3
        margin = 1.0 - yc * s
        loss = np.maximum(margin, 0.0).mean() + ALPHA * sum(np.vdot(p, p) for p in params)
        ds = (margin > 0) * neg_y_n
        dW3 = h2.T @ ds
        db3 = ds.sum(axis=0)
        dz2 = (ds @ W3.T) * (z2 > 0)
        dW2 = h1.T @ dz2
        db2 = dz2.sum(axis=0)
        dz1 = (dz2 @ W2.T) * (z1 > 0)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0)
        for p, g in zip(params, (dW1, db1, dW2, db2, dW3, db3), strict=True):
            g += decay * p
            p -= lr * g
        return float(loss)

    return step


def numpy_big_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> Step:
    params = [w.copy() for w in weights]
    W1, b1, W2, b2, W3, b3 = params
    n = len(y)
    rows = np.arange(n)

    def step(lr: float) -> float:
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ W3 + b3
        shifted = z3 - z3.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, y]))
        dz3 = e / total
        dz3[rows, y] -= 1
        dz3 /= n
        dW3, db3 = h2.T @ dz3, dz3.sum(axis=0)
        dz2 = (dz3 @ W3.T) * (z2 > 0)
        dW2, db2 = h1.T @ dz2, dz2.sum(axis=0)
        dz1 = (dz2 @ W2.T) * (z1 > 0)
        dW1, db1 = X.T @ dz1, dz1.sum(axis=0)
        for p, g in zip(params, (dW1, db1, dW2, db2, dW3, db3), strict=True):
            p -= lr * g
        return loss

    return step


# --- PyTorch ----------------------------------------------------------------------------------


def torch_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray, kind: str) -> Step:
    """The same step in PyTorch (``kind`` "svm": the demo, "ce": the big MLP). The caller
    chooses torch's thread count."""
    import torch

    params = [torch.tensor(w.copy(), requires_grad=True) for w in weights]
    Xt = torch.from_numpy(X.copy())
    yt = torch.from_numpy(y.reshape(-1, 1).copy() if kind == "svm" else y.astype(np.int64))
    F = torch.nn.functional

    def step(lr: float) -> float:
        W1, b1, W2, b2, W3, b3 = params
        h = torch.relu(Xt @ W1 + b1)
        h = torch.relu(h @ W2 + b2)
        out = h @ W3 + b3
        if kind == "svm":
            loss = torch.relu(1 - yt * out).mean() + ALPHA * sum((p * p).sum() for p in params)
        else:
            loss = F.cross_entropy(out, yt)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return loss.item()

    return step


# --- the big step's matrix products alone: BLAS against BLAS ----------------------------------


def _big_operands(weights: list[np.ndarray], X: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The eight products of one big-MLP step, as (a, b) pairs of the shapes and layouts the
    step multiplies: three forward, five backward (no gradient for the input)."""
    rs = np.random.RandomState(1)
    W1, _, W2, _, W3, _ = weights
    h1, h2 = (np.abs(rs.normal(size=(256, 256))).astype(np.float32) for _ in range(2))
    g1, g2 = (rs.normal(size=(256, 256)).astype(np.float32) for _ in range(2))
    g3 = rs.normal(size=(256, 10)).astype(np.float32)
    return [(X, W1), (h1, W2), (h2, W3),  # forward
            (h2.T, g3), (g3, W3.T), (h1.T, g2), (g2, W2.T), (X.T, g1)]  # backward


def numpy_products_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> Step:
    """The step's products with numpy's BLAS (``np.dot``, as the engine calls it)."""
    pairs = _big_operands(weights, X)
    dot = np.dot

    def step(lr: float) -> float:
        for a, b in pairs:
            dot(a, b)
        return 0.0

    return step


def torch_products_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> Step:
    """The same products with PyTorch's BLAS, on the same (transposed) layouts."""
    import torch

    pairs = [(torch.from_numpy(a.T.copy()).T if not a.flags.c_contiguous else torch.from_numpy(a),
              torch.from_numpy(b.T.copy()).T if not b.flags.c_contiguous else torch.from_numpy(b))
             for a, b in _big_operands(weights, X)]

    def step(lr: float) -> float:
        with torch.no_grad():
            for a, b in pairs:
                torch.mm(a, b)
        return 0.0

    return step


# --- timing -----------------------------------------------------------------------------------

Times = dict[str, list[tuple[float, float]]]


def alternate(
    steps: dict[str, Step],
    reps: int,
    lr: Callable[[int], float],
    warmup: int = 3,
    setup: Callable[[], None] | None = None,
    block: int = 1,
    settle: float = 0.0,
) -> tuple[Times, dict[str, list[float]]]:
    """Run each step in turn, the order rotating from round to round, so that machine noise
    (and the cache left behind by the one before) hits all of them alike.

    Returns per-step (wall, cpu) seconds after ``warmup`` rounds, and every loss. CPU time is
    the process's (all threads): on a shared machine the steadier figure for one-thread runs.
    ``setup`` runs before every turn, untimed (the thread counts: engines alternate).
    ``block`` > 1 gives each engine that many steps per turn and times all but the first, and
    ``settle`` sleeps that many seconds before each turn: with several threads, numpy's
    OpenBLAS and PyTorch's OpenMP keep their workers spinning for up to ~0.1 s after a
    product, and stepping them in turn without a pause makes them fight over the cores
    (every engine then runs tens of times slower than it does alone).
    """
    names = list(steps)
    times: Times = {n: [] for n in names}
    losses: dict[str, list[float]] = {n: [] for n in names}
    clock, cpu = time.perf_counter, time.process_time
    for r in range(warmup + reps):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            if setup is not None:
                setup()
            if settle:
                time.sleep(settle)
            for j in range(block):
                rate = lr(r * block + j)
                c0, t0 = cpu(), clock()
                loss = steps[name](rate)
                dt, dc = clock() - t0, cpu() - c0
                losses[name].append(loss)
                if r >= warmup and (j or block == 1):
                    times[name].append((dt, dc))
    return times, losses


# Engines in their own processes: each library's thread pool alone, as a user runs it.
ISOLATED_STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Tensor": ("tensor_big_step", ()),
    "numpy by hand": ("numpy_big_step", ()),
    "torch": ("torch_step", ("ce",)),
    "numpy BLAS": ("numpy_products_step", ()),
    "torch BLAS": ("torch_products_step", ()),
}


def steady_malloc() -> None:
    """Keep glibc from handing freed arrays back to the OS between steps.

    By default glibc serves 256 KiB-1 MiB blocks (this step's temporaries) with mmap, or
    trims them off the heap when freed, so a step that frees and re-makes them takes a page
    fault per 4 KiB: we saw the hand-written numpy step take 300,000 faults in 300 steps and
    run 1.5x slower in some processes and not in others. Fixed thresholds make every engine
    reuse its memory as a long-running process does. (PyTorch has its own allocator; the
    Tensor engine's pattern was not affected.) A no-op where glibc is absent.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = libc.mallopt if libc is not None else None
    except (OSError, AttributeError):
        return
    if mallopt is not None:
        mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD
        mallopt(-3, 64 << 20)  # M_MMAP_THRESHOLD


def _isolated_worker(conn: Any, builder: str, extra: tuple[str, ...], threads: int) -> None:
    """A benchmark process: one engine's big-MLP step, run in blocks on request."""
    import os

    steady_malloc()
    setter = openblas_threads()
    if setter is not None:
        setter(threads)
    if builder == "torch_step":
        import torch

        torch.set_num_threads(threads)
    X, y, params = big_problem()
    step = globals()[builder](params, X, y, *extra)
    clock, cpu = time.perf_counter, time.process_time
    conn.send(os.getpid())
    while True:
        rates = conn.recv()
        if rates is None:
            return
        out = []
        for rate in rates:
            c0, t0 = cpu(), clock()
            loss = step(rate)
            out.append((clock() - t0, cpu() - c0, loss))
        conn.send(out)


def alternate_isolated(names: list[str], reps: int, lr: Callable[[int], float], threads: int,
                       block: int = 5, warmup: int = 2, settle: float = 0.1,
                       ) -> tuple[Times, dict[str, list[float]]]:
    """Like ``alternate`` for the big MLP, but each engine runs in a process of its own.

    With several threads, two libraries in one process leave each other's worker threads
    spinning (numpy's OpenBLAS and PyTorch's OpenMP wait actively for ~0.1 s after a
    product) and fight over the cores; a user runs one library. Engines take turns in
    blocks of ``block`` steps (the first untimed: it wakes the thread pool), the order
    rotating, with a ``settle`` pause before each turn so the previous engine's workers
    have gone to sleep. Losses are the same step by step as in one process.
    """
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    conns, procs = {}, []
    for name in names:
        builder, extra = ISOLATED_STEPS[name]
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_isolated_worker, args=(child, builder, extra, threads),
                           daemon=True)
        proc.start()
        procs.append(proc)
        conns[name] = parent
    for conn in conns.values():
        conn.recv()  # built and ready
    times: Times = {n: [] for n in names}
    losses: dict[str, list[float]] = {n: [] for n in names}
    try:
        for r in range(warmup + reps):
            k = r % len(names)
            for name in names[k:] + names[:k]:
                time.sleep(settle)
                conns[name].send([lr(r * block + j) for j in range(block)])
                for j, (dt, dc, loss) in enumerate(conns[name].recv()):
                    losses[name].append(loss)
                    if r >= warmup and j:
                        times[name].append((dt, dc))
    finally:
        for conn in conns.values():
            conn.send(None)
        for proc in procs:
            proc.join(5)
    return times, losses


def medians(times: Times) -> tuple[dict[str, float], dict[str, float]]:
    wall = {n: statistics.median(t[0] for t in ts) for n, ts in times.items()}
    cpu = {n: statistics.median(t[1] for t in ts) for n, ts in times.items()}
    return wall, cpu


def report(title: str, times: Times, losses: dict[str, list[float]],
           check: str | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """Print medians (and, with ``check``, each loss curve's largest difference from that
    engine's); return ({engine: median wall}, {engine: median cpu})."""
    wall, cpu = medians(times)
    print(f"{title}  (medians of {len(next(iter(times.values())))} alternating steps)")
    width = max(map(len, times))
    for n in times:
        q1, _, q3 = statistics.quantiles([t[0] for t in times[n]], n=4)
        line = (f"  {n:<{width}}  cpu {cpu[n] * 1e3:8.3f} ms/step  wall {wall[n] * 1e3:8.3f} ms"
                f" (IQR {q1 * 1e3:.3f}-{q3 * 1e3:.3f})")
        if check is not None and n != check:
            diff = max(abs(a - b) for a, b in zip(losses[n], losses[check], strict=True))
            line += f"  loss curve vs {check}: max |diff| {diff:.1e}"
        print(line)
    return wall, cpu


def ratio(meds: tuple[dict[str, float], dict[str, float]], a: str, b: str, target: str) -> None:
    wall, cpu = meds
    if a in wall and b in wall:
        print(f"  => {a} / {b}: {cpu[a] / cpu[b]:.2f}x cpu, {wall[a] / wall[b]:.2f}x wall"
              f"   (target {target})")


def openblas_threads() -> Callable[[int], None] | None:
    """A setter for numpy's OpenBLAS thread count (through ctypes), or None if not found."""
    import ctypes

    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    libs = {line.split()[-1] for line in maps.splitlines() if "openblas" in line.lower()}
    for lib in sorted(libs):
        try:
            handle = ctypes.CDLL(lib)
        except OSError:
            continue
        for name in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                     "openblas_set_num_threads64_", "openblas_set_num_threads"):
            fn = getattr(handle, name, None)
            if fn is not None:
                return lambda n, fn=fn: fn(int(n))
    return None
