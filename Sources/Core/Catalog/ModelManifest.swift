/// The `manifest.json` of a model bundle: what the model file is and how images are fed to it.
///
/// Example:
/// ```json
/// {"name": "efficientnet-lite0", "file": "model.onnx",
///  "input": {"width": 224, "height": 224, "layout": "NCHW", "color": "RGB"},
///  "normalize": {"mean": [127.5, 127.5, 127.5], "scale": [127.5, 127.5, 127.5]},
///  "resize": {"mode": "crop", "short_side": 256}, "output": "logits",
///  "labels": "labels.txt", "synthetic_weights": false, "description": "…"}
/// ```
public struct ModelManifest: Codable, Sendable, Equatable {
    /// Name clients use (`/v1/models/{name}/classify`). Letters, digits, `-`, `_` and `.`.
    public var name: String
    /// Model file, relative to the bundle folder: ONNX, OpenVINO IR (`.xml`, with its `.bin`) or TFLite.
    public var file: String
    /// One line of what the model is and where its weights come from.
    public var description: String?
    /// The input the network expects.
    public var input: Input
    /// Per-channel normalisation applied to 0–255 pixel values: `(x - mean) / scale`.
    public var normalize: Normalize
    /// How an image of any size becomes the network's input size.
    public var resize: Resize
    /// Whether the network ends in logits (inferd applies softmax) or probabilities.
    public var output: OutputKind
    /// Labels file, relative to the bundle: one label a line, line `i` is class `i`.
    public var labels: String?
    /// True when the weights are random (architecture studies): the labels then mean nothing.
    public var syntheticWeights: Bool
    /// Number of trainable parameters, when the bundle's author recorded it.
    public var parameters: Int?
    /// SHA-256 of the model file (hex), when the bundle's author recorded it: checked whenever the file
    /// is read, and a mismatch fails the load (see ``ModelChecksum``).
    public var sha256: String?

    public struct Input: Codable, Sendable, Equatable {
        public var width: Int
        public var height: Int
        /// Layout of the network's input, `NCHW` or `NHWC`.
        public var layout: String
        /// Channel order the network was trained with, `RGB` or `BGR`.
        public var color: String

        public init(width: Int, height: Int, layout: String, color: String) {
            self.width = width
            self.height = height
            self.layout = layout
            self.color = color
        }
    }

    public struct Normalize: Codable, Sendable, Equatable {
        public var mean: [Float]
        public var scale: [Float]

        public init(mean: [Float], scale: [Float]) {
            self.mean = mean
            self.scale = scale
        }
    }

    public struct Resize: Codable, Sendable, Equatable {
        /// `crop`: scale the short side to `shortSide`, then take the centre; `squash`: scale both sides
        /// to the input size, ignoring the aspect ratio.
        public var mode: Mode
        /// With `crop`: the short side before the centre crop (256 for a 224 input is the ImageNet habit).
        public var shortSide: Int?

        public enum Mode: String, Codable, Sendable { case crop, squash }

        public init(mode: Mode, shortSide: Int?) {
            self.mode = mode
            self.shortSide = shortSide
        }

        enum CodingKeys: String, CodingKey {
            case mode
            case shortSide = "short_side"
        }
    }

    public enum OutputKind: String, Codable, Sendable { case logits, probabilities }

    public init(name: String, file: String, description: String?, input: Input, normalize: Normalize, resize: Resize,
                output: OutputKind, labels: String?, syntheticWeights: Bool, parameters: Int?, sha256: String? = nil) {
        self.name = name
        self.file = file
        self.description = description
        self.input = input
        self.normalize = normalize
        self.resize = resize
        self.output = output
        self.labels = labels
        self.syntheticWeights = syntheticWeights
        self.parameters = parameters
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey {
        case name, file, description, input, normalize, resize, output, labels, parameters, sha256
        case syntheticWeights = "synthetic_weights"
    }
}
