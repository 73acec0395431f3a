"""Writes test/golden/opencv-blur.json: cv2.blur on seeded float64 images, the reference of lib/shap/maskers/box-blur.

Run with Debian's OpenCV (apt install python3-opencv; cv2.blur's float path has not changed across 4.x):
    /usr/bin/python3 scripts/make-blur-fixture.py
Floats are written with repr, so the JSON round-trips every value exactly.
"""
import json
import os

import cv2
import numpy as np

rng = np.random.default_rng(20261124)
# (height, width, channels, kernel width, kernel height): odd and even kernels, 1x1, kernels wider or taller
# than the image (repeated reflection), one channel and three, and shap's "blur(16,16)" on a wider image.
CASES = [
    (5, 6, 1, 3, 3),
    (5, 6, 3, 3, 3),
    (7, 9, 3, 4, 2),
    (7, 9, 1, 1, 5),
    (6, 4, 3, 1, 1),
    (5, 4, 3, 9, 7),
    (1, 8, 1, 3, 3),
    (8, 1, 3, 2, 5),
    (12, 17, 3, 16, 16),
    (20, 31, 3, 10, 10),
]
cases = []
for h, w, c, kx, ky in CASES:
    image = rng.uniform(0, 255, size=(h, w, c))
    image[rng.uniform(size=(h, w, c)) < 0.2] = 0.0  # exact zeros and repeats, as in spectrogram images
    out = cv2.blur(image if c > 1 else image[:, :, 0], (kx, ky))
    cases.append({
        "shape": [h, w, c],
        "ksize": [kx, ky],
        "image": image.ravel().tolist(),
        "expected": np.asarray(out, dtype=np.float64).reshape(h, w, c).ravel().tolist(),
    })
path = os.path.join(os.path.dirname(__file__), "..", "test", "golden", "opencv-blur.json")
with open(path, "w") as f:
    json.dump({"opencv_version": cv2.__version__, "function": "cv2.blur(image, (kx, ky)), float64, BORDER_DEFAULT", "cases": cases}, f)
    f.write("\n")
print(path, len(cases), "cases")
