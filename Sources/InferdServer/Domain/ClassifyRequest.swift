import Core
import InferdRuntime
import InferdWire

/// One classify request, validated once: the model's bundle, `top` within the limits, the image's
/// header read (format, declared size checked against the pixel limit) and the decode options for
/// the model. The offload planner and the local path both consume this value, so the model is looked
/// up, the options are checked and the image header is parsed exactly once per request.
public struct ClassifyRequest: Sendable {
    /// The model's bundle from the catalog at admission.
    public let bundle: ModelBundle
    /// The encoded image as received.
    public let image: [UInt8]
    /// The image's header (read once; the decoder does not read it again).
    public let header: ImageHeader
    /// How many labels to answer, within ``RequestLimits/maxTopK``.
    public let top: Int
    /// The decode for this model: DCT-scaled no further than its input needs, within the pixel limit.
    public let decodeOptions: DecodeOptions
    /// The per-request offload mode (`?offload=`), nil for the configured one.
    public let offload: OffloadMode?
    /// When the request was admitted: its deadlines (queue wait here, the whole offload) run from here.
    public let admitted: ContinuousClock.Instant

    /// The model's name.
    public var model: String { bundle.name }

    /// Validates a request against `catalog` and `limits`.
    ///
    /// - Throws: ``InferdError``: `.unknownModel`, `.badRequest` (top out of range), and from the
    ///   header `.badImage`, `.tooLarge`, `.unsupportedMediaType`.
    public init(model name: String, image: [UInt8], top: Int?, offload: OffloadMode? = nil, catalog: ModelCatalog,
                limits: RequestLimits, admitted: ContinuousClock.Instant = .now) throws(InferdError) {
        guard let bundle = catalog[name] else {
            throw InferdError(.unknownModel, catalog.unknownModelMessage(name))
        }
        let top = top ?? limits.defaultTopK
        guard (1...limits.maxTopK).contains(top) else {
            throw InferdError(.badRequest, "top must be between 1 and \(limits.maxTopK), not \(top)")
        }
        let options = DecodeOptions(minimumSize: InputGeometry(manifest: bundle.manifest).minimumDecodeSize,
                                    maxPixels: limits.maxImagePixels)
        do throws(ImageError) {
            header = try ImageHeader.read(image, options: options)
        } catch {
            throw InferdError(error)
        }
        self.bundle = bundle
        self.image = image
        self.top = top
        decodeOptions = options
        self.offload = offload
        self.admitted = admitted
    }
}
