/// Decodes an encoded image (JPEG or PNG, recognised by its signature) into upright RGB pixels (a
/// JPEG's EXIF orientation applied).
public enum ImageDecoder {
    /// The decoded pixels, and the size the image declared before any decode-time scaling.
    public struct Result: Sendable {
        public var pixels: PixelBuffer
        public var format: ImageFormat
        /// The image's own width (before DCT scaling), upright.
        public var originalWidth: Int
        /// The image's own height (before DCT scaling), upright.
        public var originalHeight: Int
    }

    /// Decodes `data`.
    ///
    /// - Throws: ``ImageError`` for empty, unsupported, corrupt, truncated or oversized input.
    public static func decode(_ data: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) throws(ImageError) -> Result {
        let format = try ImageFormat.detect(data)
        switch format {
        case .jpeg:
            let header = try JPEGDecoder.header(data)
            try options.checkDimensions(width: header.width, height: header.height, format: "JPEG")
            return try decodeJPEG(data, header: header, options: options)
        case .png:
            let pixels = try PNGDecoder.decode(data, options: options)
            let size = PNGDecoder.declaredSize(data) ?? (pixels.width, pixels.height)
            return Result(pixels: pixels, format: format, originalWidth: size.width, originalHeight: size.height)
        }
    }

    /// What decoding `data` with `options` would cost, from its headers only: for charging the
    /// decode against an in-flight memory cap before it starts.
    ///
    /// - Throws: ``ImageError`` for data that is not a readable JPEG or PNG header.
    public static func cost(of data: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) throws(ImageError) -> DecodeCost {
        switch try ImageFormat.detect(data) {
        case .jpeg: try JPEGDecoder.cost(data, options: options)
        case .png: try PNGDecoder.cost(data, options: options)
        }
    }

    /// ``cost(of:options:)`` of the bytes of `data`.
    public static func cost(of data: [UInt8], options: DecodeOptions = DecodeOptions()) throws(ImageError) -> DecodeCost {
        do {
            return try data.withUnsafeBytes { try cost(of: $0, options: options) }
        } catch {
            throw error as! ImageError
        }
    }

    /// Decodes `data` whose header was already read (and checked against `options.maxPixels`) by
    /// ``ImageHeader/read(_:options:)``: the header is not parsed again.
    ///
    /// - Throws: ``ImageError`` for corrupt or truncated data.
    public static func decode(_ data: [UInt8], header: ImageHeader, options: DecodeOptions) throws(ImageError) -> Result {
        do {
            return try data.withUnsafeBytes { (raw) throws(ImageError) -> Result in
                switch header.format {
                case .jpeg:
                    let jpeg = JPEGDecoder.Header(width: header.width, height: header.height, isCMYK: header.isCMYK)
                    return try decodeJPEG(raw, header: jpeg, options: options)
                case .png:
                    // The size the header declared, not the decoded one (PNGs are scaled down while read).
                    let pixels = try PNGDecoder.decode(raw, options: options)
                    return Result(pixels: pixels, format: .png, originalWidth: header.width, originalHeight: header.height)
                }
            }
        } catch {
            throw error as! ImageError
        }
    }

    /// A JPEG whose header was read, turned upright: phone photos carry an EXIF orientation that says
    /// how the stored pixels must be turned.
    private static func decodeJPEG(_ data: UnsafeRawBufferPointer, header: JPEGDecoder.Header,
                                   options: DecodeOptions) throws(ImageError) -> Result {
        let orientation = ExifOrientation.of(jpeg: data)
        let pixels = try JPEGDecoder.decode(data, header: header, options: options).oriented(orientation)
        return Result(pixels: pixels, format: .jpeg,
                      originalWidth: orientation.swapsAxes ? header.height : header.width,
                      originalHeight: orientation.swapsAxes ? header.width : header.height)
    }

    /// Decodes the bytes of `data`.
    public static func decode(_ data: [UInt8], options: DecodeOptions = DecodeOptions()) throws(ImageError) -> Result {
        // Array.withUnsafeBytes rethrows untyped errors; the closure only throws ImageError.
        do {
            return try data.withUnsafeBytes { try decode($0, options: options) }
        } catch {
            throw error as! ImageError
        }
    }
}
