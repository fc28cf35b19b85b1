/// What the decoder may do for the model that will consume the image.
public struct DecodeOptions: Sendable, Equatable {
    /// The smallest width and height the caller needs. A JPEG decoder may scale down in the DCT domain
    /// while decoding, to the smallest scale whose result is still at least this big in both sides.
    /// `nil` decodes at full size.
    public var minimumSize: (width: Int, height: Int)?
    /// Images whose header declares more pixels than this are refused before any pixel memory is
    /// allocated (decompression bombs). Default 100 megapixels.
    public var maxPixels: Int
    /// The most memory one decode may need (``DecodeCost``), bytes; more is refused before decoding.
    /// Most images need little whatever their size — PNGs are scaled down row by row, baseline JPEGs
    /// in the DCT domain — but a progressive JPEG keeps every coefficient (2 bytes per sample) and an
    /// interlaced PNG every pixel until the last pass. Default 256 MiB: a 44-megapixel progressive
    /// 4:4:4 JPEG or a 67-megapixel interlaced PNG.
    public var maxWorkingBytes: Int
    /// Progressive JPEGs with more scans than this are refused before decoding: each scan is another
    /// pass over every coefficient, so a small file with hundreds of scans costs seconds of CPU.
    /// Encoders write about 10 (libjpeg's default script) to 20. Default 64.
    public var maxJPEGScans: Int
    /// Decoding stops with `.tooCostly` once this passes (checked between PNG rows, and before
    /// and after a JPEG decode, which TurboJPEG cannot interrupt). Nil: no deadline.
    public var deadline: ContinuousClock.Instant?

    public init(minimumSize: (width: Int, height: Int)? = nil, maxPixels: Int = DecodeOptions.defaultMaxPixels,
                maxWorkingBytes: Int = DecodeOptions.defaultMaxWorkingBytes, maxJPEGScans: Int = DecodeOptions.defaultMaxJPEGScans,
                deadline: ContinuousClock.Instant? = nil) {
        self.minimumSize = minimumSize
        self.maxPixels = maxPixels
        self.maxWorkingBytes = maxWorkingBytes
        self.maxJPEGScans = maxJPEGScans
        self.deadline = deadline
    }

    /// 100 megapixels: a 10000 x 10000 image, twelve times a 4K photo.
    public static let defaultMaxPixels = 100_000_000
    /// 256 MiB.
    public static let defaultMaxWorkingBytes = 256 << 20
    /// 64 scans.
    public static let defaultMaxJPEGScans = 64

    public static func == (a: DecodeOptions, b: DecodeOptions) -> Bool {
        a.maxPixels == b.maxPixels && a.minimumSize?.width == b.minimumSize?.width && a.minimumSize?.height == b.minimumSize?.height
            && a.maxWorkingBytes == b.maxWorkingBytes && a.maxJPEGScans == b.maxJPEGScans && a.deadline == b.deadline
    }

    func checkCost(_ cost: DecodeCost, format: String) throws(ImageError) {
        guard cost.workingBytes <= maxWorkingBytes else {
            throw ImageError(.tooLarge, "decoding this \(format) needs \(cost.workingBytes >> 20) MiB (\(cost.reason)), above the limit of "
                                 + "\(maxWorkingBytes >> 20) MiB; send a smaller image\(cost.reason.contains("interlaced") ? " or save it without interlacing" : "")")
        }
    }

    func checkDeadline(format: String) throws(ImageError) {
        guard let deadline, ContinuousClock.now > deadline else { return }
        throw ImageError(.tooCostly, "decoding the \(format) took longer than the request's deadline; send a smaller image")
    }

    func checkDimensions(width: Int, height: Int, format: String) throws(ImageError) {
        guard width > 0, height > 0 else {
            throw ImageError(.corrupt, "\(format) header declares an empty image (\(width)x\(height))")
        }
        guard width.multipliedReportingOverflow(by: height).partialValue <= maxPixels, width <= 1 << 20, height <= 1 << 20 else {
            throw ImageError(.tooLarge, "\(format) declares \(width)x\(height) pixels, above the limit of \(maxPixels) pixels")
        }
    }
}
