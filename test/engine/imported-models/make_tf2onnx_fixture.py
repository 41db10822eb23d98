"""A Keras MLP as tf2onnx exports it (tf2onnx.convert.from_keras), and its predictions.

    /usr/bin/python3 test/engine/imported-models/make_tf2onnx_fixture.py

TensorFlow and tf2onnx cannot be installed here (PyPI is unreachable), so the graph is
built with python3-onnx's helper API the way tf2onnx 1.16 writes a Keras Sequential model
(Normalization -> Dense relu -> Dense relu -> Dense softmax): TensorFlow's ops one for one
(Sub and RealDiv for the Normalization, its sqrt and maximum folded to a constant; MatMul,
BiasAdd -> Add, Relu, Softmax), node names after the TensorFlow ops
("sequential/dense/MatMul"), initializers after their variables
("sequential/dense/MatMul/ReadVariableOp:0"), symbolic batch dimensions "unk__N", the
outputs named after the Keras layers. The predictions are NumPy computing the same
layers in float32; the Jacobians central differences of them in float64.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from fixture_io import GRADIENT_POINTS, HERE, finite_jacobian, points, write_expected

rng = np.random.default_rng(7)
n, classes = 6, 3
mean = rng.uniform(-1, 1, (1, n)).astype(np.float32)
std = np.maximum(np.sqrt(rng.uniform(0.5, 3, (1, n))), 1e-7).astype(np.float32)
widths = [n, 16, 16, classes]
weights = [(rng.normal(0, np.sqrt(2 / a), (a, b)).astype(np.float32), rng.normal(0, 0.1, b).astype(np.float32)) for a, b in zip(widths, widths[1:])]
names = ['dense', 'dense_1', 'dense_2']

inits = [numpy_helper.from_array(mean, 'sequential/normalization/sub/y:0'), numpy_helper.from_array(std, 'sequential/normalization/Maximum:0')]
nodes = [
    helper.make_node('Sub', ['normalization_input', 'sequential/normalization/sub/y:0'], ['sequential/normalization/sub:0'], name='sequential/normalization/sub'),
    helper.make_node('Div', ['sequential/normalization/sub:0', 'sequential/normalization/Maximum:0'], ['sequential/normalization/truediv:0'], name='sequential/normalization/truediv'),
]
current = 'sequential/normalization/truediv:0'
for i, (name, (w, b)) in enumerate(zip(names, weights)):
    prefix = f'sequential/{name}'
    inits += [numpy_helper.from_array(w, f'{prefix}/MatMul/ReadVariableOp:0'), numpy_helper.from_array(b, f'{prefix}/BiasAdd/ReadVariableOp:0')]
    nodes.append(helper.make_node('MatMul', [current, f'{prefix}/MatMul/ReadVariableOp:0'], [f'{prefix}/MatMul:0'], name=f'{prefix}/MatMul'))
    nodes.append(helper.make_node('Add', [f'{prefix}/MatMul:0', f'{prefix}/BiasAdd/ReadVariableOp:0'], [f'{prefix}/BiasAdd:0'], name=f'{prefix}/BiasAdd'))
    last = i == len(names) - 1
    out = name if last else f'{prefix}/Relu:0'
    nodes.append(helper.make_node('Softmax' if last else 'Relu', [f'{prefix}/BiasAdd:0'], [out], name=f'{prefix}/{"Softmax" if last else "Relu"}', **({'axis': -1} if last else {})))
    current = out
graph = helper.make_graph(nodes, 'tf2onnx', [helper.make_tensor_value_info('normalization_input', TensorProto.FLOAT, ['unk__12', n])],
                          [helper.make_tensor_value_info('dense_2', TensorProto.FLOAT, ['unk__13', classes])], inits)
model = helper.make_model(graph, producer_name='tf2onnx', producer_version='1.16.1 15c810', opset_imports=[helper.make_opsetid('', 15)])
model.ir_version = 8
onnx.checker.check_model(model)
path = os.path.join(HERE, 'tf2onnx-keras.onnx')
onnx.save(model, path)


def forward(x, dtype):
    h = ((x.astype(dtype) - mean.astype(dtype)) / std.astype(dtype)).astype(dtype)
    for i, (w, b) in enumerate(weights):
        h = (h @ w.astype(dtype) + b.astype(dtype)).astype(dtype)
        if i < len(weights) - 1:
            h = np.maximum(h, 0)
    e = np.exp(h - h.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(dtype)


x = points(n, -3.0, 3.0)
write_expected('tf2onnx-keras', 'a Keras Sequential classifier laid out as tf2onnx 1.16 exports it (opset 15), predictions by NumPy float32',
               -3.0, 3.0, x, forward(x, np.float32), finite_jacobian(lambda xs: forward(xs, np.float64), x[:GRADIENT_POINTS]))
print(f'tf2onnx-keras: {os.path.getsize(path)} bytes')
