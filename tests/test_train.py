"""The readable training loop and the shared MLP: gradients against TensorFlow, the loop against a hand loop."""

import numpy as np
import pytest

import course_lib
from course_lib import train as T
from course_lib.data import dots
from course_lib.nn import optimizers as O


@pytest.mark.parametrize("activation,loss,lam,kind", [("relu", "mse", 0.03, "l2"), ("tanh", "bce", 0.0, "l2"),
                                                      ("sigmoid", "bce", 0.1, "l1"), ("elu", "mse", 0.0, "l1")])
def test_mlp_gradients_equal_gradient_tape(activation, loss, lam, kind):
    tf = course_lib.import_tf()
    x, y = dots(n=40)
    y = y.reshape(-1, 1).astype(float)
    p = T.init_mlp(2, 7, seed=3, init="he", bias=0.01)
    value, grads = T.mlp_loss_and_grads(p, x, y, activation=activation, loss=loss, lam=lam, kind=kind)
    v = {k: tf.Variable(a) for k, a in p.items()}
    act = {"relu": tf.nn.relu, "tanh": tf.nn.tanh, "sigmoid": tf.nn.sigmoid, "elu": tf.nn.elu}[activation]
    with tf.GradientTape() as tape:
        out = act(x @ v["W1"] + v["b1"]) @ v["W2"] + v["b2"]
        if loss == "mse":
            ell = tf.reduce_mean(tf.square(y - out))
        else:
            ell = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=out))
        pen = (tf.nn.l2_loss(v["W1"]) + tf.nn.l2_loss(v["W2"]) if kind == "l2"
               else tf.reduce_sum(tf.abs(v["W1"])) + tf.reduce_sum(tf.abs(v["W2"])))
        total = ell + lam * pen
    tg = dict(zip(v, tape.gradient(total, list(v.values()))))
    assert value == pytest.approx(float(total), rel=1e-12)
    for k in p:
        np.testing.assert_allclose(grads[k], tg[k].numpy(), rtol=1e-10, atol=1e-12)


def test_init_mlp_schemes():
    p = T.init_mlp(2, 11, seed=42, init="normal", bias=0.01)
    z = np.random.default_rng(42).standard_normal(2 * 11 + 11)
    np.testing.assert_array_equal(p["W1"].ravel(), z[:22])
    np.testing.assert_array_equal(p["W2"].ravel(), z[22:])
    assert np.all(p["b1"] == 0.01) and np.all(p["b2"] == 0.01)
    he = T.init_mlp(200, 300, seed=0, init="he")
    assert np.std(he["W1"]) == pytest.approx(np.sqrt(2 / 200), rel=0.02)
    assert np.std(he["W2"]) == pytest.approx(np.sqrt(1 / 300), rel=0.05)
    assert T.init_mlp(2, 3, dtype=np.float32)["W1"].dtype == np.float32


def test_fit_is_the_course_loop():
    x, y = dots(n=64)
    y = y.reshape(-1, 1).astype(float)
    p = T.init_mlp(2, 5, seed=1, bias=0.01)
    q = {k: v.copy() for k, v in p.items()}
    losses = T.fit(p, lambda pp, xb, yb: T.mlp_loss_and_grads(pp, xb, yb, lam=0.03), T.minibatches(x, y, 16),
                   O.SGD(0.05), 3)
    last = []
    for _ in range(3):  # the same loop written out
        for s in range(0, 64, 16):
            loss, g = T.mlp_loss_and_grads(q, x[s:s + 16], y[s:s + 16], lam=0.03)
            for k in q:
                q[k] -= 0.05 * g[k]
        last.append(loss)
    np.testing.assert_array_equal(losses, last)
    for k in p:
        np.testing.assert_array_equal(p[k], q[k])


def test_fit_stops_when_asked_and_shuffles_reproducibly():
    x, y = dots(n=32)
    y = y.reshape(-1, 1).astype(float)
    runs = []
    for _ in range(2):
        p = T.init_mlp(2, 3, seed=0)
        runs.append(T.fit(p, lambda pp, xb, yb: T.mlp_loss_and_grads(pp, xb, yb), T.minibatches(
            x, y, 8, shuffle=True, seed=5), O.Adam(0.01), 10, on_epoch_end=lambda e, pp, ls: e == 3))
    assert len(runs[0]) == 4
    np.testing.assert_array_equal(runs[0], runs[1])


def test_bad_arguments():
    p = T.init_mlp(2, 3)
    x, y = dots(n=8)
    with pytest.raises(TypeError, match="params"):
        T.mlp_loss_and_grads({"w1": 1}, x, y)
    with pytest.raises(ValueError, match="loss"):
        T.mlp_loss_and_grads(p, x, y, loss="hinge")
    with pytest.raises(TypeError, match="optimizer"):
        T.fit(p, lambda *a: None, T.minibatches(x, y), "sgd", 1)
