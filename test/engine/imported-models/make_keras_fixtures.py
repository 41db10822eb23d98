"""Keras 3 archives (.keras), written in Keras 3's exact layout, and their predictions.

    apt-get install -y python3-h5py      # only to make the fixtures; the tests read the committed files
    /usr/bin/python3 test/engine/imported-models/make_keras_fixtures.py

Keras cannot be installed here (PyPI is unreachable), so the archive is written the way
keras.saving (keras/src/saving/saving_lib.py, Keras 3.16) writes it: a zip (zipfile, stored)
of metadata.json, config.json (serialize_keras_object's layout: module, class_name, config,
registered_name, build_config, and for functional models name and inbound_nodes with
__keras_tensor__ keras_history entries) and model.weights.h5 (h5py: a `vars` group per
saveable with its `name` attribute; each layer of `model.layers` under
layers/<snake_case class name>[_<n>]/vars/<i>, variables in creation order). Layers get
names of their own, so that a reader finding weights by layer name would fail.

The reference predictions are computed with NumPy in float32 from the same weights, the
way Keras computes these layers (keras/src/layers/...): Dense x @ W + b, Normalization
(x - mean) / max(sqrt(var), 1e-7), BatchNormalization (x - m) / sqrt(v + eps) * g + b, ...
The Jacobians are central differences of the same computation in float64.
"""
import datetime
import io
import json
import math
import os
import zipfile

import h5py
import numpy as np

from fixture_io import GRADIENT_POINTS, HERE, finite_jacobian, points, write_expected

KERAS_VERSION = '3.16.0'
rng = np.random.default_rng(2024)


def dtype_policy():
    return {'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': 'float32'}, 'registered_name': None}


def initializer(name, config=None):
    return {'module': 'keras.initializers', 'class_name': name, 'config': config or {}, 'registered_name': None}


def snake(name):
    import re
    name = re.sub(r'\W+', '', name)
    name = re.sub('(.)([A-Z][a-z]+)', r'\1_\2', name)
    return re.sub('([a-z])([A-Z])', r'\1_\2', name).lower()


class Layer:
    def __init__(self, class_name, name, config, weights=(), inputs=(), input_shape=None):
        self.class_name, self.name, self.config = class_name, name, config
        self.weights, self.inputs, self.input_shape = list(weights), list(inputs), input_shape

    def serialize(self, functional, shapes):
        base = {'name': self.name, 'trainable': True, 'dtype': dtype_policy()} if self.class_name != 'InputLayer' else {}
        out = {'module': 'keras.layers', 'class_name': self.class_name, 'config': {**base, **self.config}, 'registered_name': None}
        if self.input_shape is not None:
            out['build_config'] = {'input_shape': self.input_shape}
        if functional:
            out['name'] = self.name
            tensors = [{'class_name': '__keras_tensor__', 'config': {'shape': [None, shapes[i]], 'dtype': 'float32', 'keras_history': [i, 0, 0]}}
                       for i in self.inputs]
            out['inbound_nodes'] = [] if not tensors else [{'args': [tensors] if len(tensors) > 1 else tensors, 'kwargs': {}}]
        return out


def dense(name, units, activation, n_in, inputs=()):
    limit = math.sqrt(6 / (n_in + units))
    kernel = rng.uniform(-limit, limit, (n_in, units)).astype(np.float32)
    bias = rng.normal(0, 0.1, units).astype(np.float32)
    config = {'units': units, 'activation': activation, 'use_bias': True,
              'kernel_initializer': initializer('GlorotUniform', {'seed': None}), 'bias_initializer': initializer('Zeros'),
              'kernel_regularizer': None, 'bias_regularizer': None, 'kernel_constraint': None, 'bias_constraint': None}
    return Layer('Dense', name, config, [kernel, bias], inputs, [None, n_in])


def batch_norm(name, n, inputs=()):
    gamma = rng.uniform(0.5, 1.5, n).astype(np.float32)
    beta = rng.normal(0, 0.2, n).astype(np.float32)
    mean = rng.normal(0, 0.5, n).astype(np.float32)
    var = rng.uniform(0.3, 2.0, n).astype(np.float32)
    config = {'axis': -1, 'momentum': 0.99, 'epsilon': 0.001, 'center': True, 'scale': True,
              'beta_initializer': initializer('Zeros'), 'gamma_initializer': initializer('Ones'),
              'moving_mean_initializer': initializer('Zeros'), 'moving_variance_initializer': initializer('Ones'),
              'beta_regularizer': None, 'gamma_regularizer': None, 'beta_constraint': None, 'gamma_constraint': None, 'synchronized': False}
    return Layer('BatchNormalization', name, config, [gamma, beta, mean, var], inputs, [None, n])


# ---------------------------------------------------------------- forward, as Keras computes it

def erf(x):
    return np.vectorize(math.erf)(x)


ACTIVATIONS = {
    'linear': lambda x: x,
    'relu': lambda x: np.maximum(x, 0),
    'tanh': np.tanh,
    'elu': lambda x: np.where(x > 0, x, np.exp(np.minimum(x, 0)) - 1),
    'selu': lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(np.minimum(x, 0)) - 1)),
    'gelu': lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))),
    'silu': lambda x: x / (1 + np.exp(-x)),
    'softplus': lambda x: np.logaddexp(0, x),
    'softmax': lambda x: np.exp(x - x.max(axis=1, keepdims=True)) / np.exp(x - x.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True),
}


def forward(layers, outputs, x, dtype):
    values = {}
    for layer in layers:
        ins = [values[i] for i in layer.inputs] if layer.inputs else [x.astype(dtype)]
        w = [v.astype(dtype) for v in layer.weights]
        c = layer.config
        if layer.class_name == 'InputLayer':
            y = x.astype(dtype)
        elif layer.class_name == 'Dense':
            y = ACTIVATIONS[c['activation']]((ins[0] @ w[0] + w[1]).astype(dtype)).astype(dtype)
        elif layer.class_name == 'Normalization':
            y = ((ins[0] - w[0]) / np.maximum(np.sqrt(w[1]), dtype(1e-7))).astype(dtype)
        elif layer.class_name == 'BatchNormalization':
            y = ((ins[0] - w[2]) / np.sqrt(w[3] + dtype(c['epsilon'])) * w[0] + w[1]).astype(dtype)
        elif layer.class_name == 'Dropout':
            y = ins[0]
        elif layer.class_name == 'Activation':
            y = ACTIVATIONS[c['activation']](ins[0]).astype(dtype)
        elif layer.class_name == 'Concatenate':
            y = np.concatenate(ins, axis=1)
        elif layer.class_name == 'Add':
            y = sum(ins[1:], ins[0])
        else:
            raise ValueError(layer.class_name)
        values[layer.name] = y
    return np.concatenate([values[o] for o in outputs], axis=1)


# ---------------------------------------------------------------- writing the archive

def weights_file(model_name, saved_layers):
    buffer = io.BytesIO()
    with h5py.File(buffer, 'w') as f:
        f.create_group('vars').attrs['name'] = model_name
        used = {}
        for layer in saved_layers:
            base = snake(layer.class_name)
            n = used.get(base)
            used[base] = 0 if n is None else n + 1
            path = base if n is None else f'{base}_{n + 1}'
            group = f.create_group(f'layers/{path}').create_group('vars')
            group.attrs['name'] = layer.name
            for i, value in enumerate(layer.weights):
                group[str(i)] = value
    return buffer.getvalue()


def write_archive(name, config, weights):
    metadata = {'keras_version': KERAS_VERSION, 'date_saved': datetime.datetime(2026, 1, 1).strftime('%Y-%m-%d@%H:%M:%S')}
    path = os.path.join(HERE, name + '.keras')
    with open(path, 'wb') as f, zipfile.ZipFile(f, 'w') as zf:
        with zf.open('metadata.json', 'w') as m:
            m.write(json.dumps(metadata).encode())
        with zf.open('config.json', 'w') as c:
            c.write(json.dumps(config).encode())
        # Keras passes the name (the entry gets the current time); a fixed time keeps the fixture's bytes.
        zf.writestr(zipfile.ZipInfo('model.weights.h5', date_time=(2026, 1, 1, 0, 0, 0)), weights)
    print(f'{name}: {os.path.getsize(path)} bytes')


def finish(name, layers, outputs, n_inputs, lo, hi, made_by):
    x = points(n_inputs, lo, hi)
    predictions = forward(layers, outputs, x, np.float32)
    jacobian = finite_jacobian(lambda xs: forward(layers, outputs, xs, np.float64), x[:GRADIENT_POINTS])
    write_expected(name, made_by, lo, hi, x, predictions, jacobian)


def sequential():
    n = 5
    mean = rng.uniform(3, 7, n).astype(np.float32)
    var = rng.uniform(4, 12, n).astype(np.float32)
    norm = Layer('Normalization', 'scale_inputs', {'axis': [-1], 'invert': False, 'mean': None, 'variance': None},
                 [mean, var, np.array(1000, dtype=np.int64)], input_shape=[None, n])
    layers = [
        norm,
        dense('hidden_1', 16, 'relu', n),
        Layer('Dropout', 'drop', {'rate': 0.2, 'seed': None, 'noise_shape': None}, input_shape=[None, 16]),
        batch_norm('bn', 16),
        dense('hidden_2', 16, 'gelu', 16),
        dense('hidden_3', 8, 'silu', 16),
        dense('price', 1, 'linear', 8),
    ]
    for a, b in zip(layers, layers[1:]):
        b.inputs = [a.name]
    input_layer = {'module': 'keras.layers', 'class_name': 'InputLayer',
                   'config': {'batch_shape': [None, n], 'dtype': 'float32', 'sparse': False, 'ragged': False, 'name': 'input_layer', 'optional': False},
                   'registered_name': None}
    config = {'module': 'keras', 'class_name': 'Sequential',
              'config': {'name': 'sequential', 'trainable': True, 'dtype': dtype_policy(),
                         'layers': [input_layer] + [l.serialize(False, {}) for l in layers]},
              'registered_name': None, 'build_config': {'input_shape': [None, n]}}
    write_archive('keras-sequential', config, weights_file('sequential', layers))
    finish('keras-sequential', layers, ['price'], n, 0.0, 10.0,
           f'a Keras {KERAS_VERSION} Sequential archive (Normalization, Dense relu/gelu/silu, Dropout, BatchNormalization), predictions by NumPy float32')


def functional():
    n = 4
    inp = Layer('InputLayer', 'features', {'batch_shape': [None, n], 'dtype': 'float32', 'sparse': False, 'ragged': False, 'name': 'features', 'optional': False})
    a = dense('branch_a', 12, 'tanh', n, ['features'])
    b = dense('branch_b', 12, 'elu', n, ['features'])
    cat = Layer('Concatenate', 'joined', {'axis': -1}, inputs=['branch_a', 'branch_b'], input_shape=[[None, 12], [None, 12]])
    c = dense('mix_relu', 12, 'relu', 24, ['joined'])
    d = dense('mix_linear', 12, 'linear', 24, ['joined'])
    s = Layer('Add', 'sum', {}, inputs=['mix_relu', 'mix_linear'], input_shape=[[None, 12], [None, 12]])
    act = Layer('Activation', 'smooth', {'activation': 'softplus'}, inputs=['sum'], input_shape=[None, 12])
    out = dense('species', 3, 'softmax', 12, ['smooth'])
    layers = [inp, a, b, cat, c, d, s, act, out]
    shapes = {'features': n, 'branch_a': 12, 'branch_b': 12, 'joined': 24, 'mix_relu': 12, 'mix_linear': 12, 'sum': 12, 'smooth': 12}
    config = {'module': 'keras', 'class_name': 'Functional',
              'config': {'name': 'functional', 'trainable': True, 'layers': [l.serialize(True, shapes) for l in layers],
                         'input_layers': ['features', 0, 0], 'output_layers': ['species', 0, 0]},
              'registered_name': 'Functional', 'build_config': {'input_shape': None}}
    write_archive('keras-functional', config, weights_file('functional', layers))
    finish('keras-functional', layers, ['species'], n, -2.0, 2.0,
           f'a Keras {KERAS_VERSION} functional archive (two Dense branches, Concatenate, Add, Activation, softmax head), predictions by NumPy float32')


if __name__ == '__main__':
    sequential()
    functional()
