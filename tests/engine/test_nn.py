"""Scalar and tensor MLPs: micrograd compatibility, seeded init, same maths on both backends."""

from __future__ import annotations

import gc
import itertools
import random

import numpy as np
import pytest

from playground.engine import Tensor, Value
from playground.engine.gradcheck import numerical_grads
from playground.engine.nn import (
    MLP,
    Layer,
    Module,
    Neuron,
    TensorMLP,
    init_weights,
    numpy_forward,
)

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]


def test_lecture_mlp_shape_and_outputs():
    model = MLP(3, [4, 4, 1], activation="tanh", seed=0)
    assert len(model.parameters()) == 41
    out = model(XS[0])
    assert isinstance(out, Value)
    assert -1 < out.data < 1  # tanh on the last layer, as in the lecture
    two = MLP(3, [4, 2], seed=0)(XS[0])
    assert isinstance(two, list) and len(two) == 2
    assert len(MLP(2, [16, 16, 1]).parameters()) == 337


def test_defaults_follow_micrograd_and_the_lecture():
    relu = MLP(2, [3, 1], seed=1)
    assert [n.activation for n in relu.layers[0].neurons] == ["relu"] * 3
    assert relu.layers[-1].neurons[0].activation == "linear"
    assert all(p.data == 0.0 for layer in relu.layers for p in (n.b for n in layer.neurons))
    tanh = MLP(2, [3, 1], activation="tanh", seed=1)
    assert tanh.layers[-1].neurons[0].activation == "tanh"
    assert all(n.b.data != 0.0 for n in tanh.layers[0].neurons)  # biases drawn like weights
    sig = MLP(2, [3, 1], activation="sigmoid", output_activation="sigmoid", bias_init="zero")
    assert sig.layers[-1].neurons[0].activation == "sigmoid"
    with pytest.raises(ValueError, match="unknown activation"):
        MLP(2, [1], activation="gelu")
    with pytest.raises(ValueError):
        MLP(2, [])
    with pytest.raises(ValueError):
        MLP(2, [0, 1])


def test_weights_are_micrograds_for_the_same_seed():
    nn = pytest.importorskip("micrograd.nn")
    random.seed(1337)
    theirs = nn.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours_global = MLP(2, [16, 16, 1])  # seed=None: the global generator, like micrograd
    ours_seeded = MLP(2, [16, 16, 1], seed=1337)
    expected = [p.data for p in theirs.parameters()]
    assert [p.data for p in ours_global.parameters()] == expected
    assert [p.data for p in ours_seeded.parameters()] == expected
    x = [0.3, -1.2]
    assert ours_seeded(x).data == theirs(x).data  # bit for bit: same order of operations


def test_seeded_init_uses_uniform_minus_one_one_in_neuron_order():
    rng = random.Random(5)
    expected = [rng.uniform(-1, 1) for _ in range(2 * 3 + 3 * 1)]
    model = MLP(2, [3, 1], seed=5)
    weights = [w.data for layer in model.layers for n in layer.neurons for w in n.w]
    assert weights == expected
    assert MLP(2, [3, 1], seed=5).weights()[0][0].tolist() == model.weights()[0][0].tolist()
    assert MLP(2, [3, 1], seed=6).weights()[0][0].tolist() != model.weights()[0][0].tolist()


def test_micrograd_style_neuron_and_layer():
    random.seed(0)
    n = Neuron(2, nonlin=False)
    assert n.activation == "linear" and not n.nonlin
    assert repr(n) == "LinearNeuron(2)"
    assert len(n.parameters()) == 3
    out = n([1.0, 2.0])
    assert out.data == pytest.approx(n.b.data + n.w[0].data + 2 * n.w[1].data)
    layer = Layer(2, 3, activation="tanh", seed=2)
    assert len(layer([1.0, 1.0])) == 3
    assert isinstance(Layer(2, 1, seed=2)([1.0, 1.0]), Value)
    assert Module().parameters() == []


def test_zero_grad():
    model = MLP(3, [4, 1], seed=0)
    model(XS[0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def _grads_to(model: MLP, loss: Value) -> list[float]:
    model.zero_grad()
    loss.backward()
    return [p.grad for p in model.parameters()]


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_scalar_and_tensor_agree_to_1e12(activation):
    scalar = MLP(3, [5, 4, 2], activation=activation, seed=11)
    tensor = TensorMLP(3, [5, 4, 2], activation=activation, seed=11)
    # same numbers, W[:, j] is neuron j
    for (Ws, bs), (Wt, bt) in zip(scalar.weights(), tensor.weights(), strict=True):
        np.testing.assert_array_equal(Ws, Wt)
        np.testing.assert_array_equal(bs, bt)
    X = np.array(XS)
    out_t = tensor(Tensor(X))
    out_s = [scalar(row) for row in XS]
    np.testing.assert_allclose(
        out_t.data, [[v.data for v in row] for row in out_s], rtol=0, atol=1e-12
    )
    # gradient of the same scalar function of the outputs
    weights = np.array([[0.3, -1.1], [2.0, 0.5], [-0.7, 0.25], [1.5, -2.0]])
    loss_t = (out_t * weights).sum()
    loss_t.backward()
    loss_s = sum(
        (o * float(w) for row, wrow in zip(out_s, weights, strict=True)
         for o, w in zip(row, wrow, strict=True)),
        Value(0.0),
    )
    grads_s = _grads_to(scalar, loss_s)
    grads_t = []
    for layer in tensor.layers:  # scalar order: per neuron j, its weights then its bias
        W, b = layer.W.grad, layer.b.grad
        for j in range(W.shape[1]):
            grads_t.extend([*W[:, j].tolist(), float(b[j])])
    np.testing.assert_allclose(grads_t, grads_s, rtol=0, atol=1e-12)


def test_mlp_gradients_match_finite_differences():
    model = MLP(3, [4, 4, 1], activation="tanh", seed=3)
    ys = [1.0, -1.0, -1.0, 1.0]

    def loss() -> Value:
        return sum((model(x) - y) ** 2 for x, y in zip(XS, ys, strict=True))

    analytic = _grads_to(model, loss())
    numeric = numerical_grads(loss, model.parameters(), h=1e-6)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_tensor_mlp_gradients_match_finite_differences():
    model = TensorMLP(2, [6, 3], activation="tanh", seed=4)
    X = np.random.RandomState(0).normal(size=(5, 2))
    y = np.array([0, 2, 1, 1, 0])
    from playground.engine.tensor import cross_entropy

    def f() -> float:
        return float(cross_entropy(model(X), y).data)

    out = cross_entropy(model(X), y)
    out.backward()
    for p in model.parameters():
        flat = p.data.reshape(-1)
        numeric = np.empty_like(flat)
        for i in range(flat.size):
            x = flat[i]
            flat[i] = x + 1e-6
            up = f()
            flat[i] = x - 1e-6
            down = f()
            flat[i] = x
            numeric[i] = (up - down) / 2e-6
        np.testing.assert_allclose(p.grad.reshape(-1), numeric, rtol=1e-6, atol=1e-8)


def test_weights_round_trip_and_to_tensor():
    a = MLP(2, [3, 1], seed=1)
    b = MLP(2, [3, 1], seed=2)
    b.load_weights(a.weights())
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    t = a.to_tensor()
    assert isinstance(t, TensorMLP)
    X = np.array([[0.1, 0.2], [-1.0, 3.0]])
    np.testing.assert_allclose(t(X).data, a.predict(X), atol=1e-15)
    np.testing.assert_allclose(
        a.predict(X)[:, 0], [a(row).data for row in X.tolist()], atol=1e-15
    )
    with pytest.raises(ValueError, match="do not match"):
        b.load_weights(MLP(2, [4, 1]).weights())
    f32 = TensorMLP(2, [3, 1], seed=1, dtype=np.float32)
    assert f32(X).data.dtype == np.float32


def test_numpy_forward_activations():
    weights = init_weights(1, [1], seed=0)
    weights[0][0][0, 0] = 1.0
    x = np.array([[-2.0], [0.5]])
    np.testing.assert_allclose(numpy_forward(weights, x, "relu", "relu")[:, 0], [0, 0.5])
    np.testing.assert_allclose(numpy_forward(weights, x, "tanh", "tanh")[:, 0], np.tanh([-2, 0.5]))
    np.testing.assert_allclose(
        numpy_forward(weights, x, "sigmoid", "sigmoid")[:, 0], 1 / (1 + np.exp([2.0, -0.5]))
    )


def test_scalar_forward_pauses_the_garbage_collector():
    """Building a big graph must not run collections (nodes form no reference cycles): at most
    the one postponed collection when the collector is switched back on."""
    model = MLP(2, [64, 64, 1], seed=0)
    collections = []

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    def forward_without_pause(x: list[float]) -> object:
        for layer in model.layers:
            x = layer(x)
        return x

    gc.callbacks.append(watch)
    old = gc.get_threshold()
    gc.set_threshold(100, 10, 10)  # collect every 100 allocations while the collector runs
    try:
        assert gc.isenabled()
        forward_without_pause([0.5, -0.5])
        unpaused = len(collections)
        collections.clear()
        model([0.5, -0.5])
        assert gc.isenabled()  # restored afterwards
        paused = len(collections)
    finally:
        gc.set_threshold(*old)
        gc.callbacks.remove(watch)
    assert unpaused > 50
    assert paused <= 2


def _weights_drawn_one_by_one(rng: random.Random, sizes: list[int], uniform_bias: bool):
    """micrograd's order, one ``rng.uniform(-1, 1)`` at a time: each neuron's weights, then
    its bias."""
    out = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        W, b = np.empty((fan_in, fan_out)), np.zeros(fan_out)
        for j in range(fan_out):
            for i in range(fan_in):
                W[i, j] = rng.uniform(-1, 1)
            if uniform_bias:
                b[j] = rng.uniform(-1, 1)
        out.append((W, b))
    return out


@pytest.mark.parametrize("bias_init", ["zero", "uniform"])
@pytest.mark.parametrize("seed", [0, 1337, 2**40 + 3])
def test_weights_drawn_in_bulk_equal_python_randoms_one_by_one_bit_for_bit(seed, bias_init):
    sizes = [3, 16, 70, 5, 1]  # layers under and over the bulk path's 64 draws
    bulk = random.Random(seed)
    got = init_weights(sizes[0], sizes[1:], seed=bulk, bias_init=bias_init)
    one = random.Random(seed)
    want = _weights_drawn_one_by_one(one, sizes, bias_init == "uniform")
    for (gw, gb), (ww, wb) in zip(got, want, strict=True):
        assert gw.tobytes() == ww.tobytes() and gb.tobytes() == wb.tobytes()
        assert gw.flags.c_contiguous
    # and the generator is left exactly where the one-by-one draws leave it
    assert [bulk.random() for _ in range(5)] == [one.random() for _ in range(5)]
    assert bulk.gauss(0, 1) == one.gauss(0, 1)


def test_the_global_generator_still_gives_micrograds_demo_weights():
    random.seed(1337)
    got = init_weights(2, [16, 16, 1])
    after = random.random()
    want = _weights_drawn_one_by_one(random.Random(1337), [2, 16, 16, 1], False)
    check = random.Random(1337)
    for _ in range(2 * 16 + 16 * 16 + 16):
        check.random()
    assert all(g.tobytes() == w.tobytes() for (g, _), (w, _) in zip(got, want, strict=True))
    assert after == check.random()


def test_a_4096_wide_network_draws_its_weights_in_seconds_not_tens_of_seconds():
    import time

    start = time.process_time()
    weights = init_weights(2, [4096, 4096, 1], seed=1)
    assert time.process_time() - start < 5.0  # the one-by-one loop took 10 s
    W = weights[1][0]
    assert W.shape == (4096, 4096) and -1 <= W.min() < 0 < W.max() <= 1
