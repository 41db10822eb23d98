"""The paper's function learnt by PyTorch and exported to ONNX: the oracle of paper-exp2.inv.

    /usr/bin/python3 examples/pytorch/train_paper.py

Fits an MLP (4 -> 64 -> 64 -> 1, ReLU, standardisation inside the graph) on the paper's
10,000 training rows (examples/paper/data/poly4-train.csv), measures its RMSE on the 1,000
test rows, and writes models/poly4.onnx and models/poly4.reference.json: that RMSE, the
model's weights as PyTorch holds them (base64 float32, row-major), and PyTorch's predictions
at a few points, so that a test can evaluate PyTorch's own function at inv's answers without
inv's ONNX reader (test/cli/pytorch-example.test.ts). Seeded, one thread.
"""
import base64
import json
import os

import numpy as np
import torch
import torch.nn as nn

from scaled_mlp import ScaledMLP, export, rmse, train

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(1)
torch.manual_seed(0)


def load(name):
    data = np.loadtxt(os.path.join(HERE, '../paper/data', name), delimiter=',', skiprows=1)
    return data[:, :4], data[:, 4:5]


x, y = load('poly4-train.csv')
x_test, y_test = load('poly4-test.csv')
model = train(ScaledMLP(x, y, [64, 64], nn.ReLU), x, y, epochs=400, batch=128, lr=1e-3, seed=1)
test_rmse = float(rmse(model, x_test, y_test)[0])
export(model, 4, os.path.join(HERE, 'models/poly4.onnx'))

f32 = lambda t: base64.b64encode(t.detach().numpy().astype('<f4').tobytes()).decode()
layers = [m for m in model.net if isinstance(m, nn.Linear)]
checks = np.array([[100, 200, 300, 10], [450, 10, 20, 10], [0, 0, 0, 0], [500, 500, 500, 500], [250, 125, 375, 10]], dtype=np.float32)
with torch.no_grad():
    predictions = model(torch.tensor(checks)).numpy()[:, 0]
reference = {
    'testRmse': round(test_rmse, 4),
    'madeBy': f'torch {torch.__version__}',
    'scaling': {k: getattr(model, k).tolist() for k in ('x_mean', 'x_std', 'y_mean', 'y_std')},
    'layers': [{'weight': f32(l.weight), 'out': l.out_features, 'in': l.in_features, 'bias': f32(l.bias)} for l in layers],
    'activation': 'relu',
    'checks': {'inputs': checks.tolist(), 'predictions': [float(p) for p in predictions]},
}
json.dump(reference, open(os.path.join(HERE, 'models/poly4.reference.json'), 'w'), indent=1)
print(f'test RMSE {test_rmse:.4f}')
