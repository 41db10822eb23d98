"""Points and reference files shared by the fixture scripts of this folder.

Every fixture is checked at the same 1,000 points, a Halton sequence over the fixture's
domain computed with float64 divisions and additions only, so that JavaScript
(test/engine/imported-models/fixture-points.ts) reproduces them bit for bit; they are then
rounded to float32, the type the models compute in. Reference values are stored as base64
little-endian float32 (predictions) and float64 (Jacobians), so that fixtures stay small.
"""
import base64
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
POINTS = 1000
GRADIENT_POINTS = 20
PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]


def halton(index, base):
    f, r = 1.0, 0.0
    i = index
    while i > 0:
        f = f / base
        r = r + f * (i % base)
        i = i // base
    return r


def points(n_inputs, lo, hi, count=POINTS):
    """[count, n_inputs] float32: point i (from 1) is lo + (hi - lo) * halton(i, prime_j)."""
    x = np.empty((count, n_inputs), dtype=np.float64)
    for i in range(count):
        for j in range(n_inputs):
            x[i, j] = lo + (hi - lo) * halton(i + 1, PRIMES[j])
    return x.astype(np.float32)


def b64(array, dtype):
    little = np.dtype(dtype).newbyteorder('<')
    return base64.b64encode(np.ascontiguousarray(array).astype(little).tobytes()).decode('ascii')


def finite_jacobian(f64, x, h=1e-6):
    """Central differences of a float64 function f64([n, inputs]) -> [n, outputs]: [n, outputs, inputs]."""
    x = x.astype(np.float64)
    n, d = x.shape
    k = f64(x[:1]).shape[1]
    jac = np.zeros((n, k, d))
    for j in range(d):
        step = h * np.maximum(1.0, np.abs(x[:, j]))
        up = x.copy()
        down = x.copy()
        up[:, j] += step
        down[:, j] -= step
        jac[:, :, j] = (f64(up) - f64(down)) / (2 * step[:, None])
    return jac


def write_expected(name, made_by, lo, hi, x, predictions, jacobian, extra=None):
    """<name>.expected.json beside the model: what the exporting framework predicts."""
    predictions = np.asarray(predictions, dtype=np.float32)
    record = {
        'model': name,
        'madeBy': made_by,
        'inputs': int(x.shape[1]),
        'outputs': int(predictions.shape[1]),
        'domain': [lo, hi],
        'points': int(x.shape[0]),
        'predictions': b64(predictions, np.float32),
        'gradientPoints': int(jacobian.shape[0]),
        'jacobian': b64(jacobian, np.float64),
    }
    if extra:
        record.update(extra)
    with open(os.path.join(HERE, name + '.expected.json'), 'w') as f:
        json.dump(record, f, indent=1)
        f.write('\n')
