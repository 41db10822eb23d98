#!/usr/bin/python3
"""The benchmark's PyTorch reference: inv's workload in PyTorch on the CPU, written as a
PyTorch user would write it at its fastest (vectorised: no per-column Python loop; one
thread, which is PyTorch's fastest setting on a 2-core machine; Adam with its multi-tensor
`foreach` implementation; gradients set to None rather than zeroed), so that inv's figures
can be read as ratios.

  /usr/bin/python3 bench/reference.py --whole OUT.json   the whole workload, as one process
  /usr/bin/python3 bench/reference.py --serve            timed pieces on request (bench/run.mjs)

Workload (the paper's sizes): oracle MLP 4-64-64-1 (ReLU; standardised inputs and output)
trained 200 epochs on the 10,000 rows of examples/paper/data in batches of 128 with Adam and
inv's one-cycle learning-rate schedule (src/engine/oracle/train.ts); generator 8-64-64-4 with
a sigmoid box, 256 solutions, Adam 1e-3, the paper's plain loss, 3000 steps per experiment
(Exp1, Exp2, Exp3 of examples/paper/paper.inv). Quality: the true function at the solution
the oracle rates best.

--serve reads one JSON command per line on stdin and answers one JSON line on stdout:
  {"cmd": "setup", "solutions": 256, "oracle": [4, 64, 64, 1], "generator": [8, 64, 64, 4]}
  {"cmd": "steps", "n": 200}       -> {"msPerStep": ...}
  {"cmd": "epochs", "n": 3, "oracle": [4, 64, 64, 1]}  -> {"msPerEpoch": [...]}
  {"cmd": "memory"}                -> {"peakRssMb": ...}
"""
import os

# Before numpy and torch load their BLAS: one thread.
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('MKL_NUM_THREADS', '1')

import json  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'examples', 'paper', 'data')
TARGET = 1900.0


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


def learning_rate_at(base, progress):
    """inv's one-cycle schedule (src/engine/oracle/train.ts, learningRateAt)."""
    peak = max(base, min(base * 10, 0.01))
    if progress < 0.15:
        return base + (peak - base) * (progress / 0.15)
    q = (progress - 0.15) / 0.85
    floor = base * 0.01
    return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * q))


class OracleTraining:
    def __init__(self, sizes, seed=0):
        torch.manual_seed(seed)
        x, y = load('poly4-train.csv')
        self.stats = (x.mean(0), x.std(0), y.mean(0), y.std(0))
        xm, xs, ym, ys = self.stats
        self.X = torch.tensor((x - xm) / xs)
        self.Y = torch.tensor((y - ym) / ys)
        self.net = mlp(sizes)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=1e-3, foreach=True)
        self.rng = np.random.default_rng(seed)

    def epoch(self, first_progress=0.0, progress_per_batch=0.0, base=1e-3):
        order = torch.from_numpy(self.rng.permutation(len(self.X)))
        X, Y = self.X[order], self.Y[order]
        for b, i in enumerate(range(0, len(X), 128)):
            for g in self.opt.param_groups:
                g['lr'] = learning_rate_at(base, first_progress + b * progress_per_batch)
            self.opt.zero_grad(set_to_none=True)
            loss = torch.mean((self.net(X[i:i + 128]) - Y[i:i + 128]) ** 2)
            loss.backward()
            self.opt.step()

    def test_rmse(self):
        tx, ty = load('poly4-test.csv')
        xm, xs, ym, ys = self.stats
        with torch.no_grad():
            pred = self.net(torch.tensor((tx - xm) / xs)).numpy() * ys + ym
        return float(np.sqrt(np.mean((pred - ty) ** 2)))


def train_oracle(epochs, sizes=(4, 64, 64, 1)):
    t = OracleTraining(list(sizes))
    batches = math.ceil(len(t.X) / 128)
    epoch_ms = []
    for e in range(epochs):
        t0 = time.perf_counter()
        t.epoch(e / epochs, 1 / (batches * epochs))
        epoch_ms.append(1000 * (time.perf_counter() - t0))
    for p in t.net.parameters():
        p.requires_grad_(False)
    return t, epoch_ms


class Inversion:
    """The paper's generator against a frozen oracle; fixed: {column: value}; box (lo, hi) for the free columns."""

    def __init__(self, net, stats, fixed, box, solutions=256, generator=(8, 64, 64), seed=7, inputs=4):
        xm, xs, ym, ys = [torch.tensor(v) for v in stats]
        torch.manual_seed(seed)
        self.net, self.fixed_cols = net, fixed
        self.free = [c for c in range(inputs) if c not in fixed]
        self.gen = mlp(list(generator) + [len(self.free)])
        self.opt = torch.optim.Adam(self.gen.parameters(), lr=1e-3, foreach=True)
        self.z = torch.randn(solutions, generator[0])
        lo, hi = box
        self.lo, self.width = lo, hi - lo
        # Splice as one product: x_all = x_free @ P + fixed_row; standardise with (x - m) / s.
        self.P = torch.zeros(len(self.free), inputs)
        for k, c in enumerate(self.free):
            self.P[k, c] = 1.0
        self.fixed_row = torch.zeros(1, inputs)
        for c, v in fixed.items():
            self.fixed_row[0, c] = float(v)
        self.xm, self.xs, self.ym, self.ys = xm, xs, ym, ys
        self.t_std = (TARGET - ym) / ys

    def features(self):
        return self.lo + self.width * torch.sigmoid(self.gen(self.z))

    def step(self):
        self.opt.zero_grad(set_to_none=True)
        x = self.features() @ self.P + self.fixed_row
        loss = torch.mean((self.net((x - self.xm) / self.xs) - self.t_std) ** 2)
        loss.backward()
        self.opt.step()

    def result(self, seconds, steps):
        with torch.no_grad():
            x = self.features() @ self.P + self.fixed_row
            y = (self.net((x - self.xm) / self.xs) * self.ys + self.ym).squeeze(1)
        best = int(torch.argmin(torch.abs(y - TARGET)))
        xb = x[best:best + 1].numpy().astype(np.float64)
        true = float(poly4(xb)[0])
        return {'seconds': seconds, 'msPerStep': 1000 * seconds / steps, 'best': xb[0].tolist(), 'oracleValue': float(y[best]),
                'trueValue': true, 'trueMiss': abs(true - TARGET), 'meanFeatureStd': float(x[:, self.free].std(0).mean())}


def load_inv_model(path):
    """inv's trained oracle (a TF.js Layers Dense chain with inv's metadata) as a PyTorch net and its statistics."""
    with open(path) as f:
        model = json.load(f)
    manifest = model['weightsManifest'][0]
    raw = np.concatenate([np.fromfile(os.path.join(os.path.dirname(path), p), dtype=np.float32) for p in manifest['paths']])
    arrays, at = [], 0
    for w in manifest['weights']:
        size = int(np.prod(w['shape']))
        arrays.append(raw[at:at + size].reshape(w['shape']))
        at += size
    sizes = [arrays[0].shape[0]] + [k.shape[1] for k in arrays[0::2]]
    net = mlp(sizes)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for lin, k, b in zip(linears, arrays[0::2], arrays[1::2]):
        lin.weight.data = torch.tensor(k.T.copy())
        lin.bias.data = torch.tensor(b.copy())
    meta = model['userDefinedMetadata']['inv']
    col = lambda cols, key: np.array([c[key] for c in cols], np.float32)  # noqa: E731
    stats = (col(meta['inputs'], 'mean'), col(meta['inputs'], 'std'), col(meta['outputs'], 'mean'), col(meta['outputs'], 'std'))
    return net, stats


PAPER_MODEL = os.path.join(HERE, '..', 'examples', 'paper', 'models', 'poly4', 'model.json')

EXPERIMENTS = {'Exp1': ({}, (0.0, 500.0)), 'Exp2': ({3: 10.0}, (0.0, 500.0)), 'Exp3': ({3: 100.0}, (0.0, 100.0))}


def whole(out):
    started = time.perf_counter()
    training, epoch_ms = train_oracle(200)
    train_seconds = time.perf_counter() - started
    runs = {}
    for name, (fixed, box) in EXPERIMENTS.items():
        inv = Inversion(training.net, training.stats, fixed, box)
        t0 = time.perf_counter()
        for _ in range(3000):
            inv.step()
        runs[name] = inv.result(time.perf_counter() - t0, 3000)
    result = {
        'contender': f'PyTorch {torch.__version__} CPU, 1 thread',
        'oracleEpochMs': float(np.median(epoch_ms)),
        'oracleTrainSeconds': train_seconds,
        'oracleTestRmse': training.test_rmse(),
        'runs': runs,
        'scriptSeconds': time.perf_counter() - started,
        'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    with open(out, 'w') as f:
        f.write(json.dumps(result, indent=2) + '\n')


def serve():
    inversion = None
    reply = lambda obj: (sys.stdout.write(json.dumps(obj) + '\n'), sys.stdout.flush())  # noqa: E731
    reply({'ready': True, 'contender': f'PyTorch {torch.__version__} CPU, 1 thread'})
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd['cmd'] == 'setup':
            sizes = cmd['oracle']
            # The paper's sizes: inv's committed oracle; others: random weights with its standardisation (as bench/contender.mjs).
            if sizes == [4, 64, 64, 1]:
                net, stats = load_inv_model(PAPER_MODEL)
            else:
                torch.manual_seed(0)
                net = mlp(sizes)
                stats = (np.full(sizes[0], 250, np.float32), np.full(sizes[0], 144, np.float32), np.array([1800], np.float32), np.array([600], np.float32))
            for p in net.parameters():
                p.requires_grad_(False)
            inversion = Inversion(net, stats, {}, (0.0, 500.0), cmd['solutions'], cmd['generator'][:-1], inputs=sizes[0])
            for _ in range(5):
                inversion.step()
            reply({'ok': True})
        elif cmd['cmd'] == 'steps':
            t0 = time.perf_counter()
            for _ in range(cmd['n']):
                inversion.step()
            reply({'msPerStep': 1000 * (time.perf_counter() - t0) / cmd['n']})
        elif cmd['cmd'] == 'epochs':
            t = OracleTraining(cmd['oracle'])
            ms = []
            for _ in range(cmd['n']):
                t0 = time.perf_counter()
                t.epoch()
                ms.append(1000 * (time.perf_counter() - t0))
            reply({'msPerEpoch': ms})
        elif cmd['cmd'] == 'memory':
            reply({'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
        elif cmd['cmd'] == 'quit':
            return


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--whole':
        whole(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == '--serve':
        serve()
    else:
        sys.exit(__doc__)
