"""Writes small CNNs with torch.onnx (another exporter than ours) for `npm run bench -- quant`.

Run with Debian's python3-torch:  /usr/bin/python3 bench/foreign/write-torch-models.py artifacts/foreign
Weights are torch's seeded random init (the bench calibrates on generated inputs: accuracy unknown).
Never a test dependency.
"""
import os
import sys

import torch
from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(64 * 4 * 4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    def forward(self, x):
        return torch.softmax(self.head(self.features(x)), dim=1)


class BasicCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.head(self.features(x))


class ResBlockCnn(nn.Module):
    """Conv-BN-ReLU stem, one residual block (Add), global average pooling, Linear."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU())
        self.block = nn.Sequential(nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32))
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        y = self.stem(x)
        y = torch.relu(y + self.block(y))
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    for name, model in [("torch-lenet", LeNet()), ("torch-basic-cnn", BasicCnn()), ("torch-resblock", ResBlockCnn())]:
        model.eval()
        path = os.path.join(out, f"{name}.onnx")
        torch.onnx.export(model, torch.rand(1, 1, 28, 28), path, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=13)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "artifacts/foreign")
