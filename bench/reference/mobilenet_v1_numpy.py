#!/usr/bin/env python3
"""Independent MobileNet v1 forward pass in NumPy, straight from the TensorFlow.js layers files (model.json + shards).

Used once to record the expected ImageNet top-1 classes of the fixture photos in
tests/Spotlight.Tests/Vision/MobileNetImportTests.cs. It shares no code with Spotlight: it reads the shards itself,
keeps Keras' NHWC layout and kernel layouts, and does Keras 'same' padding, BatchNorm (eps 1e-3) and ReLU6 by hand.

usage: /usr/bin/python3 mobilenet_v1_numpy.py WEIGHTS_DIR IMAGE...   (Debian: apt-get install python3-numpy python3-pil)
"""
import json, os, sys
import numpy as np
from PIL import Image

def load(folder):
    manifest = json.load(open(os.path.join(folder, "model.json")))["weightsManifest"]
    weights = {}
    for group in manifest:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            weights[w["name"]] = np.frombuffer(data, dtype="<f4", count=n, offset=offset).reshape(w["shape"])
            offset += 4 * n
    return weights

def same_pad(x, k, s):
    h, w = x.shape[0], x.shape[1]
    ph = max((-(-h // s) - 1) * s + k - h, 0)
    pw = max((-(-w // s) - 1) * s + k - w, 0)
    return np.pad(x, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))

def conv(x, kernel, s):                      # x (H, W, C), kernel (k, k, C, O)
    k = kernel.shape[0]
    x = same_pad(x, k, s)
    oh, ow = (x.shape[0] - k) // s + 1, (x.shape[1] - k) // s + 1
    out = np.zeros((oh, ow, kernel.shape[3]), np.float64)
    for dy in range(k):
        for dx in range(k):
            patch = x[dy:dy + s * oh:s, dx:dx + s * ow:s, :]
            out += patch @ kernel[dy, dx].astype(np.float64)
    return out

def depthwise(x, kernel, s):                 # kernel (k, k, C, 1)
    k = kernel.shape[0]
    x = same_pad(x, k, s)
    oh, ow = (x.shape[0] - k) // s + 1, (x.shape[1] - k) // s + 1
    out = np.zeros((oh, ow, x.shape[2]), np.float64)
    for dy in range(k):
        for dx in range(k):
            out += x[dy:dy + s * oh:s, dx:dx + s * ow:s, :] * kernel[dy, dx, :, 0]
    return out

def bn_relu6(x, w, name):
    g, b, m, v = (w[f"{name}/{p}"] for p in ("gamma", "beta", "moving_mean", "moving_variance"))
    return np.clip((x - m) / np.sqrt(v + 1e-3) * g + b, 0, 6)

def forward(w, rgb):                         # rgb (H, W, 3) uint8
    x = rgb.astype(np.float64) / 127.5 - 1.0
    x = bn_relu6(conv(x, w["conv1/kernel"], 2), w, "conv1_bn")
    for i in range(1, 14):
        s = 2 if i in (2, 4, 6, 12) else 1
        x = bn_relu6(depthwise(x, w[f"conv_dw_{i}/depthwise_kernel"], s), w, f"conv_dw_{i}_bn")
        x = bn_relu6(conv(x, w[f"conv_pw_{i}/kernel"], 1), w, f"conv_pw_{i}_bn")
    pooled = x.mean(axis=(0, 1))
    logits = pooled @ w["conv_preds/kernel"][0, 0] + w["conv_preds/bias"]
    e = np.exp(logits - logits.max())
    return e / e.sum()

if __name__ == "__main__":
    weights = load(sys.argv[1])
    for path in sys.argv[2:]:
        p = forward(weights, np.asarray(Image.open(path).convert("RGB")))
        top = np.argsort(-p)[:2]
        print(f"{os.path.basename(path)}\t{top[0]}\t{p[top[0]]:.4f}\t{top[1]}\t{p[top[1]]:.4f}")
