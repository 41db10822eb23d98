#!/usr/bin/python3
"""The benchmark's PyTorch reference: the same workload as bench/run.mjs, in PyTorch on the
CPU with one thread (the fastest PyTorch setting on a 2-core machine), so the TF.js figures
can be read as ratios.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference.py OUT.json

Workload (the paper's sizes): oracle MLP 4-64-64-1 (ReLU, standardised inputs and output),
Adam 1e-3, epochs of 10,000 rows in batches of 128; generator 8-64-64-4 with a sigmoid box,
256 solutions, Adam 1e-3, plain paper loss (no spread term), 3000 steps per experiment.
Quality: the true function at the solution the oracle rates best (|f(x) - 1900| for Exp1 and
Exp2; f(x) for Exp3, whose box cannot reach 1900).
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'examples', 'paper', 'data')


def poly4(x):
    return 9 * x[:, 0] ** 0.87 + 8.97 * x[:, 1] ** 0.02 + 0.876 * x[:, 2] ** 0.12 + 2.9876 * x[:, 3] ** 0.987


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def load(name):
    table = np.loadtxt(os.path.join(DATA, name), delimiter=',', skiprows=1, dtype=np.float32)
    return table[:, :4], table[:, 4:5]


def train_oracle(epochs, seed=0):
    torch.manual_seed(seed)
    x, y = load('poly4-train.csv')
    tx, ty = load('poly4-test.csv')
    xm, xs, ym, ys = x.mean(0), x.std(0), y.mean(0), y.std(0)
    X = torch.tensor((x - xm) / xs)
    Y = torch.tensor((y - ym) / ys)
    net = mlp([4, 64, 64, 1])
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    rng = np.random.default_rng(seed)
    epoch_ms = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        order = torch.tensor(rng.permutation(len(X)))
        for i in range(0, len(X), 128):
            idx = order[i:i + 128]
            opt.zero_grad()
            loss = torch.mean((net(X[idx]) - Y[idx]) ** 2)
            loss.backward()
            opt.step()
        epoch_ms.append(1000 * (time.perf_counter() - t0))
    with torch.no_grad():
        pred = net(torch.tensor((tx - xm) / xs)).numpy() * ys + ym
    rmse = float(np.sqrt(np.mean((pred - ty) ** 2)))
    for p in net.parameters():
        p.requires_grad_(False)
    return net, (xm, xs, ym, ys), epoch_ms, rmse


def invert(net, stats, fixed, box, steps=3000, seed=7, target=1900.0):
    """fixed: {column: value}; box: (lo, hi) for every free column."""
    xm, xs, ym, ys = [torch.tensor(v) for v in stats]
    torch.manual_seed(seed)
    free = [c for c in range(4) if c not in fixed]
    gen = mlp([8, 64, 64, len(free)])
    opt = torch.optim.Adam(gen.parameters(), lr=1e-3)
    z = torch.randn(256, 8)
    lo, hi = box
    t_std = (target - ym) / ys

    def features():
        u = gen(z)
        x = torch.empty(256, 4)
        cols = []
        k = 0
        for c in range(4):
            if c in fixed:
                cols.append(torch.full((256,), float(fixed[c])))
            else:
                cols.append(lo + (hi - lo) * torch.sigmoid(u[:, k]))
                k += 1
        return torch.stack(cols, 1)

    step_ms = []
    t_run = time.perf_counter()
    for _ in range(steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        x = features()
        out = net((x - xm) / xs)
        loss = torch.mean((out - t_std) ** 2)
        loss.backward()
        opt.step()
        step_ms.append(1000 * (time.perf_counter() - t0))
    seconds = time.perf_counter() - t_run
    with torch.no_grad():
        x = features()
        y = (net((x - xm) / xs) * ys + ym).squeeze(1)
    best = int(torch.argmin(torch.abs(y - target)))
    xb = x[best:best + 1].numpy().astype(np.float64)
    true = float(poly4(xb)[0])
    spread = float(x[:, free].std(0).mean())
    return {'stepMs': float(np.median(step_ms)), 'seconds': seconds, 'best': xb[0].tolist(),
            'oracleValue': float(y[best]), 'trueValue': true, 'trueMiss': abs(true - target),
            'meanFeatureStd': spread}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else None
    t0 = time.perf_counter()
    net, stats, epoch_ms, rmse = train_oracle(200)
    train_seconds = time.perf_counter() - t0
    runs = {
        'Exp1': invert(net, stats, {}, (0.0, 500.0)),
        'Exp2': invert(net, stats, {3: 10.0}, (0.0, 500.0)),
        'Exp3': invert(net, stats, {3: 100.0}, (0.0, 100.0)),
    }
    result = {
        'contender': f'PyTorch {torch.__version__} CPU, 1 thread',
        'oracleEpochMs': float(np.median(epoch_ms)),
        'oracleTrainSeconds': train_seconds,
        'oracleTestRmse': rmse,
        'generatorStepMs': float(np.median([r['stepMs'] for r in runs.values()])),
        'runs': runs,
        'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    text = json.dumps(result, indent=2)
    if out:
        with open(out, 'w') as f:
            f.write(text + '\n')
    print(text)


if __name__ == '__main__':
    main()
