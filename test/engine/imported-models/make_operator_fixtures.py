"""One small ONNX model per operator case, with PyTorch's values and gradients for it.

    /usr/bin/python3 test/engine/imported-models/make_operator_fixtures.py

Writes operators.json: per case its opset, the model (base64 of the .onnx bytes, built with
python3-onnx's helper API), the values PyTorch computes in float64 for the operator's ONNX
definition at the 8 x 4 input below, and the gradient of sum(Y * R) with respect to the
input (autograd, float64), R a fixed pattern. The input is the fixtures' Halton points
(fixture_io.points) on [lo, hi] (per case; [0.1, 3] where an operator needs positive inputs).
Opsets above 17 (which python3-onnx 1.12 does not know) are written without its checker.
"""
import base64
import json
import math
import os

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

from fixture_io import HERE, points

ROWS, COLS = 8, 4
torch.set_default_dtype(torch.float64)
R = torch.tensor(points(6, -1.0, 1.0, ROWS * 6)[:, :6].reshape(-1)[:ROWS * COLS * 3], dtype=torch.float64)


def const(name, values, dtype=np.float32):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def model_bytes(nodes, inits, out_shape, opset, ml=False, out_name='Y'):
    graph = helper.make_graph(nodes, 'case', [helper.make_tensor_value_info('X', TensorProto.FLOAT, ['rows', COLS])],
                              [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, out_shape)], inits)
    imports = [helper.make_opsetid('', opset)] + ([helper.make_opsetid('ai.onnx.ml', 1)] if ml else [])
    model = helper.make_model(graph, producer_name='inv', opset_imports=imports)
    model.ir_version = 8 if opset <= 17 else (9 if opset <= 19 else 10)
    if opset <= 17:
        onnx.checker.check_model(model)
    return model.SerializeToString()


CASES = []


def case(name, opsets, build, reference, lo=-2.0, hi=2.0, out_shape=('rows', COLS), ml=False):
    """build(opset) -> (nodes, inits); reference(x: torch [8, 4] float64, opset) -> y."""
    for opset in opsets:
        nodes, inits = build(opset)
        x32 = points(COLS, lo, hi, ROWS)
        x = torch.tensor(x32.astype(np.float64), requires_grad=True)
        y = reference(x, opset)
        y2 = y.reshape(ROWS, -1)
        (y2 * R[:y2.numel()].reshape(y2.shape)).sum().backward()
        CASES.append({
            'name': f'{name} (opset {opset})',
            'opset': opset,
            'domain': [lo, hi],
            'model': base64.b64encode(model_bytes(nodes, inits, list(out_shape), opset, ml)).decode(),
            'outputs': int(y2.shape[1]),
            'expected': base64.b64encode(y2.detach().numpy().astype('<f4').tobytes()).decode(),
            'gradient': base64.b64encode(x.grad.numpy().astype('<f4').tobytes()).decode(),
        })


def unary(op, f, opsets=(11, 21), lo=-2.0, hi=2.0, **attrs):
    label = op + (' ' + ' '.join(f'{k}={v}' for k, v in attrs.items()) if attrs else '')
    case(label, opsets, lambda o: ([helper.make_node(op, ['X'], ['Y'], name=op.lower(), **attrs)], []), lambda x, o: f(x), lo, hi)


ALL = (11, 17, 21)
unary('Relu', F.relu)
unary('LeakyRelu', lambda x: F.leaky_relu(x, 0.2), alpha=0.2)
unary('LeakyRelu', lambda x: F.leaky_relu(x, 0.01))
unary('Elu', F.elu)
unary('Elu', lambda x: F.elu(x, 0.5), alpha=0.5)
unary('Selu', lambda x: 1.05070102214813232421875 * torch.where(x > 0, x, 1.67326319217681884765625 * (torch.exp(x) - 1)))
unary('Selu', lambda x: 1.1 * torch.where(x > 0, x, 1.5 * (torch.exp(x) - 1)), alpha=1.5, gamma=1.1)
unary('Celu', lambda x: F.celu(x, 0.8), opsets=(12, 21), alpha=0.8)
unary('Sigmoid', torch.sigmoid)
unary('HardSigmoid', lambda x: torch.clamp(0.2 * x + 0.5, 0, 1))
unary('HardSigmoid', lambda x: torch.clamp(0.3 * x + 0.4, 0, 1), alpha=0.3, beta=0.4)
unary('HardSwish', lambda x: x * torch.clamp(x / 6 + 0.5, 0, 1), opsets=(14, 21))
unary('Tanh', torch.tanh)
unary('Softplus', F.softplus)
unary('Softsign', F.softsign)
unary('Mish', lambda x: x * torch.tanh(F.softplus(x)), opsets=(18, 21))
unary('Erf', torch.erf)
unary('Gelu', lambda x: F.gelu(x), opsets=(20, 21))
unary('Gelu', lambda x: F.gelu(x, approximate='tanh'), opsets=(20,), approximate='tanh')
unary('Exp', torch.exp)
unary('Log', torch.log, lo=0.1, hi=3.0)
unary('Sqrt', torch.sqrt, lo=0.1, hi=3.0)
unary('Abs', torch.abs)
unary('Neg', torch.neg)
unary('Reciprocal', torch.reciprocal, lo=0.1, hi=3.0)
unary('Identity', lambda x: x)
unary('Cast', lambda x: x, to=TensorProto.FLOAT)
case('Dropout (inference)', (11,), lambda o: ([helper.make_node('Dropout', ['X'], ['Y'], ratio=0.3)], []), lambda x, o: x)
case('Dropout (inference)', (13, 21), lambda o: ([helper.make_node('Dropout', ['X', 'ratio'], ['Y'])], [const('ratio', 0.3)]), lambda x, o: x)
case('Clip (attributes)', (10,), lambda o: ([helper.make_node('Clip', ['X'], ['Y'], min=-0.5, max=1.0)], []), lambda x, o: torch.clamp(x, -0.5, 1.0))
case('Clip', (11, 13, 21), lambda o: ([helper.make_node('Clip', ['X', 'lo', 'hi'], ['Y'])], [const('lo', -0.5), const('hi', 1.0)]), lambda x, o: torch.clamp(x, -0.5, 1.0))
case('Clip (max only)', (13,), lambda o: ([helper.make_node('Clip', ['X', '', 'hi'], ['Y'])], [const('hi', 0.7)]), lambda x, o: torch.clamp(x, max=0.7))

case('Softmax', (11, 13, 21), lambda o: ([helper.make_node('Softmax', ['X'], ['Y'])], []), lambda x, o: F.softmax(x, dim=1))
# A model's LogSoftmax output is given as probabilities (test/engine/imported-models.test.ts); here
# the operator alone, its output negated (a cross-entropy), so that it is not the model's output.
case('LogSoftmax, negated', (11, 13, 21), lambda o: ([helper.make_node('LogSoftmax', ['X'], ['L']), helper.make_node('Neg', ['L'], ['Y'])], []),
     lambda x, o: -F.log_softmax(x, dim=1))
for op, f in (('Softmax', F.softmax), ('LogSoftmax', F.log_softmax)):
    # On [rows, 2, 2] with axis 1: before opset 13 the input is read as 2-D [rows, 4].
    case(f'{op} axis=1 of [rows, 2, 2]', (11, 13), lambda o, op=op: ([
        helper.make_node('Reshape', ['X', 's3'], ['X3']), helper.make_node(op, ['X3'], ['Y3'], axis=1), helper.make_node('Reshape', ['Y3', 's2'], ['Y'])],
        [const('s3', [-1, 2, 2], np.int64), const('s2', [-1, 4], np.int64)]),
        lambda x, o, f=f: (f(x, dim=1) if o < 13 else f(x.reshape(-1, 2, 2), dim=1).reshape(-1, 4)))

c4 = [0.5, -1.0, 2.0, 0.25]
for op, f in (('Add', torch.add), ('Sub', torch.sub), ('Mul', torch.mul), ('Div', torch.div)):
    case(f'{op} X, [4]', ALL, lambda o, op=op: ([helper.make_node(op, ['X', 'c'], ['Y'])], [const('c', c4)]), lambda x, o, f=f: f(x, torch.tensor(c4)))
    case(f'{op} [1, 4], X', (13,), lambda o, op=op: ([helper.make_node(op, ['c', 'X'], ['Y'])], [const('c', [c4])]), lambda x, o, f=f: f(torch.tensor([c4]), x), lo=0.2, hi=2.0)
    case(f'{op} X, scalar', (13,), lambda o, op=op: ([helper.make_node(op, ['X', 'c'], ['Y'])], [const('c', 1.5)]), lambda x, o, f=f: f(x, 1.5))
case('Add X, Relu(X)', (13,), lambda o: ([helper.make_node('Relu', ['X'], ['R']), helper.make_node('Add', ['X', 'R'], ['Y'])], []), lambda x, o: x + F.relu(x))
case('Pow X, 2.5', ALL, lambda o: ([helper.make_node('Pow', ['X', 'e'], ['Y'])], [const('e', 2.5)]), lambda x, o: x ** 2.5, lo=0.1, hi=3.0)
case('Pow X, [4]', (13,), lambda o: ([helper.make_node('Pow', ['X', 'e'], ['Y'])], [const('e', [1.0, 2.0, 0.5, 3.0])]), lambda x, o: x ** torch.tensor([1.0, 2.0, 0.5, 3.0]), lo=0.1, hi=3.0)
for op, f in (('Max', lambda a, b, c: torch.maximum(torch.maximum(a, b), c)), ('Min', lambda a, b, c: torch.minimum(torch.minimum(a, b), c)),
              ('Sum', lambda a, b, c: a + b + c), ('Mean', lambda a, b, c: (a + b + c) / 3)):
    case(f'{op} of three', (11, 13, 21), lambda o, op=op: ([helper.make_node('Tanh', ['X'], ['T']), helper.make_node(op, ['X', 'c', 'T'], ['Y'])], [const('c', c4)]),
         lambda x, o, f=f: f(x, torch.tensor(c4), torch.tanh(x)), lo=-1.9, hi=2.1)  # no tie at x = tanh(x) = 0: its gradient is a choice
case('PRelu', ALL, lambda o: ([helper.make_node('PRelu', ['X', 's'], ['Y'])], [const('s', [0.1, 0.2, -0.3, 1.5])]),
     lambda x, o: torch.where(x > 0, x, torch.tensor([0.1, 0.2, -0.3, 1.5]) * x))

W = np.array([[0.5, -1.0, 0.25], [1.5, 0.5, -0.75], [-0.5, 2.0, 1.0], [0.1, -0.2, 0.3]], dtype=np.float32)
case('Gemm transB, alpha, beta, C', ALL, lambda o: ([helper.make_node('Gemm', ['X', 'w', 'c'], ['Y'], transB=1, alpha=0.5, beta=2.0)], [const('w', W.T), const('c', [0.1, -0.2, 0.3])]),
     lambda x, o: 0.5 * x @ torch.tensor(W.astype(np.float64)) + 2.0 * torch.tensor([0.1, -0.2, 0.3]), out_shape=('rows', 3))
case('Gemm without C', (13,), lambda o: ([helper.make_node('Gemm', ['X', 'w'], ['Y'])], [const('w', W)]),
     lambda x, o: x @ torch.tensor(W.astype(np.float64)), out_shape=('rows', 3))
case('Gemm C [1, 3]', (13,), lambda o: ([helper.make_node('Gemm', ['X', 'w', 'c'], ['Y'])], [const('w', W), const('c', [[0.1, -0.2, 0.3]])]),
     lambda x, o: x @ torch.tensor(W.astype(np.float64)) + torch.tensor([[0.1, -0.2, 0.3]]), out_shape=('rows', 3))
case('MatMul', ALL, lambda o: ([helper.make_node('MatMul', ['X', 'w'], ['Y'])], [const('w', W)]), lambda x, o: x @ torch.tensor(W.astype(np.float64)), out_shape=('rows', 3))
W2 = W[:2, :]
case('MatMul [rows, 2, 2] x [2, 3]', (13,), lambda o: ([helper.make_node('Reshape', ['X', 's3'], ['X3']), helper.make_node('MatMul', ['X3', 'w'], ['Y3']), helper.make_node('Reshape', ['Y3', 's2'], ['Y'])],
     [const('s3', [-1, 2, 2], np.int64), const('w', W2), const('s2', [-1, 6], np.int64)]), lambda x, o: (x.reshape(-1, 2, 2) @ torch.tensor(W2.astype(np.float64))).reshape(-1, 6), out_shape=('rows', 6))

g, b, m, v = [1.5, 0.5, 1.0, 2.0], [0.1, -0.2, 0.0, 0.3], [0.2, -0.1, 0.5, 0.0], [0.5, 2.0, 1.0, 0.1]
for opset in (9, 13, 15, 21):
    case('BatchNormalization', (opset,), lambda o: ([helper.make_node('BatchNormalization', ['X', 'g', 'b', 'm', 'v'], ['Y'], epsilon=1e-3)],
         [const('g', g), const('b', b), const('m', m), const('v', v)]),
         lambda x, o: F.batch_norm(x, torch.tensor(m), torch.tensor(v), torch.tensor(g), torch.tensor(b), False, 0.0, 1e-3))
case('BatchNormalization of [rows, 2, 2]', (13,), lambda o: ([helper.make_node('Reshape', ['X', 's3'], ['X3']), helper.make_node('BatchNormalization', ['X3', 'g', 'b', 'm', 'v'], ['Y3']),
     helper.make_node('Reshape', ['Y3', 's2'], ['Y'])], [const('s3', [-1, 2, 2], np.int64), const('g', g[:2]), const('b', b[:2]), const('m', m[:2]), const('v', v[:2]), const('s2', [-1, 4], np.int64)]),
     lambda x, o: F.batch_norm(x.reshape(-1, 2, 2), torch.tensor(m[:2]), torch.tensor(v[:2]), torch.tensor(g[:2]), torch.tensor(b[:2]), False, 0.0, 1e-5).reshape(-1, 4))
case('LayerNormalization', (17, 21), lambda o: ([helper.make_node('LayerNormalization', ['X', 'g', 'b'], ['Y'], axis=-1, epsilon=1e-5)], [const('g', g), const('b', b)]),
     lambda x, o: F.layer_norm(x, (4,), torch.tensor(g), torch.tensor(b), 1e-5))
case('ReduceMean (axes attribute)', (13,), lambda o: ([helper.make_node('ReduceMean', ['X'], ['M'], axes=[1]), helper.make_node('Sub', ['X', 'M'], ['Y'])], []),
     lambda x, o: x - x.mean(dim=1, keepdim=True))
case('ReduceMean (axes input)', (18, 21), lambda o: ([helper.make_node('ReduceMean', ['X', 'a'], ['M']), helper.make_node('Sub', ['X', 'M'], ['Y'])], [const('a', [-1], np.int64)]),
     lambda x, o: x - x.mean(dim=1, keepdim=True))
case('ReduceSum keepdims=0', (13,), lambda o: ([helper.make_node('ReduceSum', ['X', 'a'], ['Y'], keepdims=0)], [const('a', [1], np.int64)]),
     lambda x, o: x.sum(dim=1), out_shape=('rows',))

case('Flatten of [rows, 2, 2]', ALL, lambda o: ([helper.make_node('Reshape', ['X', 's3'], ['X3']), helper.make_node('Flatten', ['X3'], ['Y'])], [const('s3', [0, 2, 2], np.int64)]), lambda x, o: x)
case('Reshape with 0 and -1', (13,), lambda o: ([helper.make_node('Reshape', ['X', 's3'], ['X3']), helper.make_node('Relu', ['X3'], ['R']), helper.make_node('Reshape', ['R', 's2'], ['Y'])],
     [const('s3', [0, -1, 2], np.int64), const('s2', [-1, 4], np.int64)]), lambda x, o: F.relu(x))
case('Unsqueeze, Squeeze (attributes)', (11,), lambda o: ([helper.make_node('Unsqueeze', ['X'], ['U'], axes=[1]), helper.make_node('Tanh', ['U'], ['T']), helper.make_node('Squeeze', ['T'], ['Y'], axes=[1])], []),
     lambda x, o: torch.tanh(x))
case('Unsqueeze, Squeeze (inputs)', (13, 21), lambda o: ([helper.make_node('Unsqueeze', ['X', 'a'], ['U']), helper.make_node('Tanh', ['U'], ['T']), helper.make_node('Squeeze', ['T', 'a'], ['Y'])], [const('a', [-1], np.int64)]),
     lambda x, o: torch.tanh(x))
case('Concat', ALL, lambda o: ([helper.make_node('Neg', ['X'], ['N']), helper.make_node('Concat', ['X', 'N'], ['Y'], axis=1)], []), lambda x, o: torch.cat([x, -x], dim=1), out_shape=('rows', 8))
case('Gather columns [3, 0, 0, -1]', ALL, lambda o: ([helper.make_node('Gather', ['X', 'i'], ['Y'], axis=1)], [const('i', [3, 0, 0, -1], np.int64)]),
     lambda x, o: x[:, [3, 0, 0, 3]])
case('Gather one column (a [rows] output)', (13,), lambda o: ([helper.make_node('Gather', ['X', 'i'], ['Y'], axis=1)], [const('i', 2, np.int64)]),
     lambda x, o: x[:, 2], out_shape=('rows',))
case('Slice (attributes)', (9,), lambda o: ([helper.make_node('Slice', ['X'], ['Y'], starts=[1], ends=[3], axes=[1])], []), lambda x, o: x[:, 1:3], out_shape=('rows', 2))
case('Slice', (10, 13, 21), lambda o: ([helper.make_node('Slice', ['X', 'st', 'en', 'ax'], ['Y'])], [const('st', [1], np.int64), const('en', [4], np.int64), const('ax', [1], np.int64)]),
     lambda x, o: x[:, 1:4], out_shape=('rows', 3))
case('Slice every row, negative step', (13,), lambda o: ([helper.make_node('Slice', ['X', 'st', 'en', 'ax', 'sp'], ['Y'])],
     [const('st', [0, -1], np.int64), const('en', [2 ** 62, -5], np.int64), const('ax', [0, 1], np.int64), const('sp', [1, -2], np.int64)]),
     lambda x, o: x[:, [3, 1]], out_shape=('rows', 2))
case('Transpose of [rows, 2, 2]', ALL, lambda o: ([helper.make_node('Reshape', ['X', 's3'], ['X3']), helper.make_node('Transpose', ['X3'], ['T'], perm=[0, 2, 1]), helper.make_node('Reshape', ['T', 's2'], ['Y'])],
     [const('s3', [-1, 2, 2], np.int64), const('s2', [-1, 4], np.int64)]), lambda x, o: x.reshape(-1, 2, 2).transpose(1, 2).reshape(-1, 4))
case('Shape, Gather, Unsqueeze, Concat, Reshape (view(x.size(0), -1))', (13,), lambda o: ([
    helper.make_node('Reshape', ['X', 's3'], ['X3']), helper.make_node('Shape', ['X3'], ['S']), helper.make_node('Gather', ['S', 'zero'], ['B'], axis=0),
    helper.make_node('Unsqueeze', ['B', 'axis0'], ['B1']), helper.make_node('Concat', ['B1', 'minus1'], ['shape'], axis=0), helper.make_node('Reshape', ['X3', 'shape'], ['Y'])],
    [const('s3', [-1, 2, 2], np.int64), const('zero', 0, np.int64), const('axis0', [0], np.int64), const('minus1', [-1], np.int64)]), lambda x, o: x)
case('ConstantOfShape (zeros_like)', (13,), lambda o: ([helper.make_node('Shape', ['X'], ['S']), helper.make_node('ConstantOfShape', ['S'], ['Z'], value=helper.make_tensor('v', TensorProto.FLOAT, [1], [0.25])),
    helper.make_node('Max', ['X', 'Z'], ['Y'])], []), lambda x, o: torch.maximum(x, torch.tensor(0.25)))
case('Constant', ALL, lambda o: ([helper.make_node('Constant', [], ['c'], value=helper.make_tensor('v', TensorProto.FLOAT, [4], c4)), helper.make_node('Mul', ['X', 'c'], ['Y'])], []),
     lambda x, o: x * torch.tensor(c4))
case('Scaler (ai.onnx.ml)', (13,), lambda o: ([helper.make_node('Scaler', ['X'], ['Y'], domain='ai.onnx.ml', offset=[0.5, -1.0, 0.0, 2.0], scale=[2.0, 0.5, 1.0, 0.25])], []),
     lambda x, o: (x - torch.tensor([0.5, -1.0, 0.0, 2.0])) * torch.tensor([2.0, 0.5, 1.0, 0.25]), ml=True)

with open(os.path.join(HERE, 'operators.json'), 'w') as f:
    json.dump({'rows': ROWS, 'columns': COLS, 'madeBy': f'torch {torch.__version__} (float64), onnx {onnx.__version__}', 'cases': CASES}, f, indent=0)
    f.write('\n')
print(f'{len(CASES)} cases, {os.path.getsize(os.path.join(HERE, "operators.json"))} bytes')
