"""A PyTorch model of the cars data (the "Auto MPG" data of vega-datasets), exported to ONNX.

    /usr/bin/python3 examples/pytorch/train_cars.py

Reads node_modules/vega-datasets/data/cars.json (the 392 cars with a mileage and a
horsepower), fits an MLP (5 -> 32 -> 32 -> 2, SiLU, standardisation inside the graph) on 85 %
of them, reports its RMSE on the other 15 %, and writes models/cars.onnx (the model
cars.inv inverts) and models/cars.metrics.json (the held-out RMSE and the data's ranges).
Debian's python3-torch, one thread, seeded: the same file every time.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn

from scaled_mlp import ScaledMLP, export, rmse, train

HERE = os.path.dirname(os.path.abspath(__file__))
INPUTS = ['Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Year']
OUTPUTS = ['Miles_per_Gallon', 'Acceleration']

torch.set_num_threads(1)
torch.manual_seed(0)

cars = json.load(open(os.path.join(HERE, '../../node_modules/vega-datasets/data/cars.json')))
rows = [c for c in cars if c['Miles_per_Gallon'] is not None and c['Horsepower'] is not None]
x = np.array([[c[k] if k != 'Year' else int(c['Year'][:4]) for k in INPUTS] for c in rows], dtype=np.float64)
y = np.array([[c[k] for k in OUTPUTS] for c in rows], dtype=np.float64)
order = np.random.default_rng(1).permutation(len(rows))
test, fit = order[:int(0.15 * len(rows))], order[int(0.15 * len(rows)):]

model = train(ScaledMLP(x[fit], y[fit], [32, 32], nn.SiLU), x[fit], y[fit], epochs=400, batch=32, lr=1e-3, seed=2)
held_out = rmse(model, x[test], y[test])
export(model, len(INPUTS), os.path.join(HERE, 'models/cars.onnx'))
metrics = {
    'rows': {'fit': len(fit), 'test': len(test)},
    'testRmse': {k: round(float(v), 4) for k, v in zip(OUTPUTS, held_out)},
    'ranges': {k: [float(x[:, i].min()), float(x[:, i].max())] for i, k in enumerate(INPUTS)},
    'madeBy': f'torch {torch.__version__}',
}
json.dump(metrics, open(os.path.join(HERE, 'models/cars.metrics.json'), 'w'), indent=1)
print(json.dumps(metrics))
