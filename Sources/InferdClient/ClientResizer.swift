import Core
import InferdRuntime

/// Downscales an image on the client before it is sent — the paper's "resize on the client" choice,
/// paying `T_d(x1, x2)` here so the daemon's `T_n(x2)` works on a smaller image.
///
/// A JPEG is decoded with DCT scaling to the smallest size the model still needs (what the daemon would
/// do), then re-encoded as JPEG (quality 90). PNG has no cheap downscale: it is decoded at full size
/// and re-encoded as JPEG. When the result is not smaller than the original, the original is kept,
/// since sending it costs less.
public enum ClientResizer {
    /// The image to send and what producing it cost.
    public struct Result: Sendable {
        /// The bytes to send: the re-encoded image, or the original when that is smaller.
        public var bytes: [UInt8]
        /// True when ``bytes`` is the re-encoded image.
        public var resized: Bool
        /// Decode + encode time, ms.
        public var milliseconds: Double
        /// The width of the image sent.
        public var width: Int
        /// The height of the image sent.
        public var height: Int
        /// The original image's own width.
        public var originalWidth: Int
        /// The original image's own height.
        public var originalHeight: Int
    }

    /// Produces the image to send for a model that needs at least `minimumSize` pixels.
    ///
    /// - Throws: ``ImageError`` when `image` cannot be decoded, ``ImageEncodingError`` when the encoder fails.
    public static func resize(_ image: [UInt8], minimumSize: (width: Int, height: Int),
                              quality: Int = JPEGEncoder.defaultQuality,
                              maxPixels: Int = DecodeOptions.defaultMaxPixels) throws -> Result {
        let watch = Stopwatch()
        let decoded = try ImageDecoder.decode(image, options: DecodeOptions(minimumSize: minimumSize, maxPixels: maxPixels))
        let encoded = try JPEGEncoder.encode(decoded.pixels, quality: quality)
        let smaller = encoded.count < image.count
        return Result(bytes: smaller ? encoded : image, resized: smaller, milliseconds: watch.elapsedMilliseconds,
                      width: smaller ? decoded.pixels.width : decoded.originalWidth,
                      height: smaller ? decoded.pixels.height : decoded.originalHeight,
                      originalWidth: decoded.originalWidth, originalHeight: decoded.originalHeight)
    }
}
