"""PyTorch MLPs exported with torch.onnx.export, and what PyTorch predicts for them.

    /usr/bin/python3 test/engine/imported-models/make_torch_fixtures.py

Debian's python3-torch (1.13). Each model is small and seeded; its predictions at the 1,000
fixture points are PyTorch's own (float32, eval mode), its Jacobians central differences of
the same model in float64.
"""
import os

import numpy as np
import torch
import torch.nn as nn

from fixture_io import GRADIENT_POINTS, HERE, finite_jacobian, points, write_expected

torch.set_num_threads(1)


class Scaled(nn.Module):
    """Standardisation inside the graph: (x - mean) / std in, y * std + mean out."""

    def __init__(self, net, x_mean, x_std, y_mean, y_std):
        super().__init__()
        self.net = net
        self.register_buffer('x_mean', torch.tensor(x_mean, dtype=torch.float32))
        self.register_buffer('x_std', torch.tensor(x_std, dtype=torch.float32))
        self.register_buffer('y_mean', torch.tensor(y_mean, dtype=torch.float32))
        self.register_buffer('y_std', torch.tensor(y_std, dtype=torch.float32))

    def forward(self, x):
        return self.net((x - self.x_mean) / self.x_std) * self.y_std + self.y_mean


class TwoHeads(nn.Module):
    """Two outputs, [rows, 1] and [rows, 2]: inv reads them side by side."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 16), nn.Tanh())
        self.a = nn.Linear(16, 1)
        self.b = nn.Linear(16, 2)

    def forward(self, x):
        h = self.body(x)
        return self.a(h), self.b(h)


class Shapes(nn.Module):
    """The shape operators exporters write: indexing, slicing, view, cat, clamp, pow, ..."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        picked = x[:, [0, 2, 3]]                       # Gather on constant indices
        tail = x[:, 1:4]                                # Slice
        stepped = x[:, 0:4:2]                           # Slice with a step
        joined = torch.cat([picked, tail.abs().sqrt(), stepped.pow(2) / 4], dim=1)[:, :6]
        h = torch.clamp(self.fc1(joined), min=-1.5, max=2.0)
        h = h.view(h.size(0), -1).unsqueeze(1).squeeze(1)  # Shape/Gather/Unsqueeze/Concat/Reshape
        y = self.fc2(torch.exp(-h * h) + torch.log1p(h.abs()) - torch.max(h, torch.zeros_like(h)))
        return y


def mlp(activation, widths=(4, 16, 16, 1), batchnorm=False):
    layers = []
    for i in range(len(widths) - 2):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if batchnorm:
            layers.append(nn.BatchNorm1d(widths[i + 1]))
        layers.append(activation())
    layers.append(nn.Linear(widths[-2], widths[-1]))
    return nn.Sequential(*layers)


def with_statistics(model, seed):
    """Non-trivial BatchNorm running statistics and affine parameters."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.5)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) * 2 + 0.2)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.3)
    return model


def export(name, model, n_inputs, lo, hi, opset=17, output_names=('y',), probabilities_from_log=False):
    """`probabilities_from_log`: the model gives log-probabilities (LogSoftmax); inv gives their
    exponential, the probabilities, so the reference is exp of PyTorch's output."""
    model.eval()
    path = os.path.join(HERE, name + '.onnx')
    sample = torch.zeros(2, n_inputs)
    dynamic = {'x': {0: 'rows'}}
    for o in output_names:
        dynamic[o] = {0: 'rows'}
    torch.onnx.export(model, sample, path, input_names=['x'], output_names=list(output_names),
                      dynamic_axes=dynamic, opset_version=opset)
    x = points(n_inputs, lo, hi)

    def run(xs, dtype):
        m = model.to(dtype)
        with torch.no_grad():
            out = m(torch.tensor(xs, dtype=dtype))
        outs = out if isinstance(out, tuple) else (out,)
        outs = [o.reshape(o.shape[0], -1) for o in outs]
        y = torch.cat(outs, dim=1)
        return (y.double().exp() if probabilities_from_log else y).numpy()

    predictions = run(x, torch.float32)
    jacobian = finite_jacobian(lambda xs: run(xs, torch.float64), x[:GRADIENT_POINTS])
    model.to(torch.float32)
    write_expected(name, f'torch {torch.__version__} torch.onnx.export, opset {opset}', lo, hi, x, predictions, jacobian)
    print(f'{name}: {os.path.getsize(path)} bytes')


def main():
    activations = {
        'relu': nn.ReLU, 'tanh': nn.Tanh, 'silu': nn.SiLU, 'gelu': nn.GELU, 'softplus': nn.Softplus,
        'leakyrelu': lambda: nn.LeakyReLU(0.1), 'elu': nn.ELU,
    }
    for i, (name, act) in enumerate(activations.items()):
        torch.manual_seed(100 + i)
        export(f'torch-{name}', mlp(act), 4, -2.0, 2.0)
    torch.manual_seed(11)
    export('torch-relu-opset11', mlp(nn.ReLU), 4, -2.0, 2.0, opset=11)
    torch.manual_seed(12)
    export('torch-batchnorm', with_statistics(mlp(nn.ReLU, batchnorm=True), 5), 4, -2.0, 2.0, opset=13)
    torch.manual_seed(13)
    export('torch-classifier', nn.Sequential(mlp(nn.ReLU, widths=(4, 16, 16, 3)), nn.Softmax(dim=1)), 4, -2.0, 2.0)
    torch.manual_seed(14)
    export('torch-logsoftmax', nn.Sequential(mlp(nn.Tanh, widths=(3, 8, 3)), nn.LogSoftmax(dim=1)), 3, -2.0, 2.0, probabilities_from_log=True)
    torch.manual_seed(15)
    export('torch-scaled', Scaled(mlp(nn.Tanh), [250, 250, 250, 250], [144, 144, 144, 144], 1900.0, 400.0), 4, 0.0, 500.0)
    torch.manual_seed(16)
    export('torch-two-outputs', TwoHeads(), 3, -2.0, 2.0, output_names=('a', 'b'))
    torch.manual_seed(17)
    export('torch-shapes', Shapes(), 6, 0.1, 2.0, opset=13)


if __name__ == '__main__':
    main()
