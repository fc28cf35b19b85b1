/// What the decoder may do for the model that will consume the image.
public struct DecodeOptions: Sendable, Equatable {
    /// The smallest width and height the caller needs. A JPEG decoder may scale down in the DCT domain
    /// while decoding, to the smallest scale whose result is still at least this big in both sides.
    /// `nil` decodes at full size.
    public var minimumSize: (width: Int, height: Int)?
    /// Images whose header declares more pixels than this are refused before any pixel memory is
    /// allocated (decompression bombs). Default 100 megapixels.
    public var maxPixels: Int

    public init(minimumSize: (width: Int, height: Int)? = nil, maxPixels: Int = DecodeOptions.defaultMaxPixels) {
        self.minimumSize = minimumSize
        self.maxPixels = maxPixels
    }

    /// 100 megapixels: a 10000 x 10000 image, twelve times a 4K photo.
    public static let defaultMaxPixels = 100_000_000

    public static func == (a: DecodeOptions, b: DecodeOptions) -> Bool {
        a.maxPixels == b.maxPixels && a.minimumSize?.width == b.minimumSize?.width && a.minimumSize?.height == b.minimumSize?.height
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
