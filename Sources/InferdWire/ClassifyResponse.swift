/// The answer to `POST /v1/models/{name}/classify`.
///
/// ```json
/// {"model":"efficientnet-lite0","cold":true,
///  "labels":[{"index":281,"label":"tabby, tabby cat","probability":0.41}],
///  "timings_ms":{"queue":0.0,"load":61.2,"decode":3.1,"preprocess":0.4,"compute":2.6,"postprocess":0.0,"total":67.4},
///  "image":{"width":3840,"height":2160,"bytes":1532101}}
/// ```
public struct ClassifyResponse: Codable, Sendable, Equatable {
    /// The model that answered.
    public var model: String
    /// True when this request paid a model load (cold start).
    public var cold: Bool
    /// Top-K classes, best first.
    public var labels: [ClassLabel]
    /// Server-side time per step, milliseconds.
    public var timings: StepTimings
    /// The image as received.
    public var image: ImageInfo
    /// The precision the model runs at (`f32`, `bf16`, …).
    public var precision: String?
    /// Where the request ran and why (local or offloaded to a remote); nil from a daemon without
    /// offloading configured, which always runs locally.
    public var placement: Placement?

    public struct ImageInfo: Codable, Sendable, Equatable {
        /// Width and height as the image declares them (before any decode-time scaling).
        public var width: Int
        public var height: Int
        /// Encoded size in bytes.
        public var bytes: Int
        /// Size actually decoded (after DCT-domain scaling).
        public var decodedWidth: Int?
        public var decodedHeight: Int?

        public init(width: Int, height: Int, bytes: Int, decodedWidth: Int? = nil, decodedHeight: Int? = nil) {
            self.width = width
            self.height = height
            self.bytes = bytes
            self.decodedWidth = decodedWidth
            self.decodedHeight = decodedHeight
        }

        enum CodingKeys: String, CodingKey {
            case width, height, bytes
            case decodedWidth = "decoded_width"
            case decodedHeight = "decoded_height"
        }
    }

    public init(model: String, cold: Bool, labels: [ClassLabel], timings: StepTimings, image: ImageInfo, precision: String?,
                placement: Placement? = nil) {
        self.placement = placement
        self.model = model
        self.cold = cold
        self.labels = labels
        self.timings = timings
        self.image = image
        self.precision = precision
    }

    enum CodingKeys: String, CodingKey {
        case model, cold, labels, image, precision, placement
        case timings = "timings_ms"
    }
}
