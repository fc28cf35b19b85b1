/// Decodes an encoded image (JPEG or PNG, recognised by its signature) into RGB pixels.
public enum ImageDecoder {
    /// The decoded pixels, and the size the image declared before any decode-time scaling.
    public struct Result: Sendable {
        public var pixels: PixelBuffer
        public var format: ImageFormat
        /// The image's own width (before DCT scaling).
        public var originalWidth: Int
        /// The image's own height (before DCT scaling).
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
            let pixels = try JPEGDecoder.decode(data, header: header, options: options)
            return Result(pixels: pixels, format: format, originalWidth: header.width, originalHeight: header.height)
        case .png:
            let pixels = try PNGDecoder.decode(data, options: options)
            return Result(pixels: pixels, format: format, originalWidth: pixels.width, originalHeight: pixels.height)
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
                    let pixels = try JPEGDecoder.decode(raw, header: jpeg, options: options)
                    return Result(pixels: pixels, format: .jpeg, originalWidth: header.width, originalHeight: header.height)
                case .png:
                    let pixels = try PNGDecoder.decode(raw, options: options)
                    return Result(pixels: pixels, format: .png, originalWidth: pixels.width, originalHeight: pixels.height)
                }
            }
        } catch {
            throw error as! ImageError
        }
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
