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
            let pixels = try JPEGDecoder.decode(data, options: options)
            return Result(pixels: pixels, format: format, originalWidth: header.width, originalHeight: header.height)
        case .png:
            let pixels = try PNGDecoder.decode(data, options: options)
            return Result(pixels: pixels, format: format, originalWidth: pixels.width, originalHeight: pixels.height)
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
