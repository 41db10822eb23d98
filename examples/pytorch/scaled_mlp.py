"""What both training scripts of this folder share: an MLP that standardises its inputs and
outputs inside the graph, so that the exported ONNX model takes and gives the data's own
units, and its training loop."""
import math

import numpy as np
import torch
import torch.nn as nn


class ScaledMLP(nn.Module):
    """y = net((x - x_mean) / x_std) * y_std + y_mean: the exported graph holds the scaling."""

    def __init__(self, x, y, hidden, activation):
        super().__init__()
        layers, width = [], x.shape[1]
        for h in hidden:
            layers += [nn.Linear(width, h), activation()]
            width = h
        layers.append(nn.Linear(width, y.shape[1]))
        self.net = nn.Sequential(*layers)
        for name, v in (('x_mean', x.mean(0)), ('x_std', x.std(0)), ('y_mean', y.mean(0)), ('y_std', y.std(0))):
            self.register_buffer(name, torch.tensor(v, dtype=torch.float32))

    def forward(self, x):
        return self.net((x - self.x_mean) / self.x_std) * self.y_std + self.y_mean


def train(model, x, y, epochs, batch, lr, seed):
    """Adam on the standardised squared error, a one-cycle learning rate, seeded shuffles."""
    g = torch.Generator().manual_seed(seed)
    x_t, y_t = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(x) / batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr * 10, total_steps=steps, pct_start=0.15)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=g)
        for start in range(0, len(x), batch):
            i = order[start:start + batch]
            loss = (((model(x_t[i]) - y_t[i]) / model.y_std) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    model.eval()
    return model


def rmse(model, x, y):
    with torch.no_grad():
        p = model(torch.tensor(x, dtype=torch.float32)).numpy()
    return np.sqrt(((p - y) ** 2).mean(axis=0))


def export(model, n_inputs, path, input_name='x', output_name='y'):
    torch.onnx.export(model, torch.zeros(2, n_inputs), path, input_names=[input_name], output_names=[output_name],
                      dynamic_axes={input_name: {0: 'rows'}, output_name: {0: 'rows'}}, opset_version=17)
