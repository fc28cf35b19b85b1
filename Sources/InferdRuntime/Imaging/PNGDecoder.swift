import CPNGRows

/// Decodes PNG row by row (8-, 16-bit, grey, palette, alpha: all become 8-bit RGB, alpha composited
/// onto white, 16-bit scaled to 8-bit as sRGB) and area-averages it down while reading, to the
/// smallest size that is still at least ``DecodeOptions/minimumSize`` in both sides — the PNG
/// counterpart of TurboJPEG's DCT scaling. A 10000 x 10000 PNG for a 224 x 224 model never exists
/// in memory at full size: the decoder holds one source row and one row of sums. Interlaced (Adam7)
/// PNGs are the exception (every row spans seven passes): they are decoded whole, so their
/// ``DecodeCost`` is the full image and ``DecodeOptions/maxWorkingBytes`` refuses the large ones.
public enum PNGDecoder {
    /// Decodes `data` to RGB, scaled down to ``DecodeOptions/minimumSize`` (full size without one).
    ///
    /// - Throws: ``ImageError``: `.empty` for zero bytes, `.corrupt` with libpng's message for bad or
    ///   truncated data, `.tooLarge` when the header declares more than ``DecodeOptions/maxPixels``
    ///   (checked before allocating) or needs more than ``DecodeOptions/maxWorkingBytes`` (interlaced),
    ///   `.tooCostly` when ``DecodeOptions/deadline`` passes while decoding.
    public static func decode(_ data: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageError) -> PixelBuffer {
        guard let base = data.baseAddress, !data.isEmpty else { throw ImageError(.empty, "the image is empty (0 bytes)") }
        let sink = Sink(options: options)
        var message = [CChar](repeating: 0, count: 256)
        let status = withExtendedLifetime(sink) {
            inferd_png_decode_scaled(base.assumingMemoryBound(to: UInt8.self), data.count,
                                     Unmanaged.passUnretained(sink).toOpaque(), onHeader, onProgress, &message, message.count)
        }
        if let refusal = sink.refusal { throw refusal }
        guard status == 0, let pixels = sink.pixels else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageError(.corrupt, "corrupt PNG: \(text.isEmpty ? "unknown error" : text)")
        }
        return pixels
    }

    /// What decoding `data` with `options` costs, from its IHDR chunk (``DecodeCost``).
    public static func cost(_ data: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageError) -> DecodeCost {
        guard let size = declaredSize(data), data.count > 28 else { throw ImageError(.corrupt, "corrupt PNG: no IHDR chunk") }
        // The IHDR's sizes are any 32-bit values until checked (found by `make fuzz`: 2^32 x 2^32 overflowed the cost).
        try options.checkDimensions(width: size.width, height: size.height, format: "PNG")
        return cost(width: size.width, height: size.height, interlaced: data[28] != 0, options: options)
    }

    static func cost(width: Int, height: Int, interlaced: Bool, options: DecodeOptions) -> DecodeCost {
        .png(width: width, height: height, interlaced: interlaced, output: scaledSize(width: width, height: height, minimum: options.minimumSize))
    }

    /// The width and height the IHDR chunk declares (nil when `data` is too short to hold one).
    public static func declaredSize(_ data: UnsafeRawBufferPointer) -> (width: Int, height: Int)? {
        guard data.count >= 24 else { return nil }
        func word(_ offset: Int) -> Int { (0..<4).reduce(0) { $0 << 8 | Int(data[offset + $1]) } }
        return (word(16), word(20))
    }

    /// The size a `width` x `height` image is decoded to for `minimum`: scaled by one factor so that
    /// both sides are still at least the minimum (never up).
    public static func scaledSize(width: Int, height: Int, minimum: (width: Int, height: Int)?) -> (width: Int, height: Int) {
        guard let minimum else { return (width, height) }
        let factor = min(1, max(Double(minimum.width) / Double(width), Double(minimum.height) / Double(height)))
        return (min(width, max(1, Int((Double(width) * factor).rounded(.up)))),
                min(height, max(1, Int((Double(height) * factor).rounded(.up)))))
    }

    /// What the C decoder reports back to.
    private final class Sink {
        let options: DecodeOptions
        var pixels: PixelBuffer?
        var refusal: ImageError?

        init(options: DecodeOptions) { self.options = options }
    }

    private static let refused: Int32 = 2

    private static let onHeader: inferd_png_header_fn = { context, width, height, interlaced, outWidth, outHeight, outPixels in
        let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
        do throws(ImageError) {
            try sink.options.checkDimensions(width: Int(width), height: Int(height), format: "PNG")
            try sink.options.checkCost(cost(width: Int(width), height: Int(height), interlaced: interlaced != 0, options: sink.options), format: "PNG")
        } catch {
            sink.refusal = error
            return refused
        }
        let size = scaledSize(width: Int(width), height: Int(height), minimum: sink.options.minimumSize)
        let pixels = PixelBuffer(width: size.width, height: size.height)
        sink.pixels = pixels
        outWidth!.pointee = UInt32(size.width)
        outHeight!.pointee = UInt32(size.height)
        outPixels!.pointee = pixels.bytes.assumingMemoryBound(to: UInt8.self)
        return 0
    }

    private static let onProgress: inferd_png_progress_fn = { context, _ in
        let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
        do throws(ImageError) {
            try sink.options.checkDeadline(format: "PNG")
        } catch {
            sink.refusal = error
            return refused
        }
        return 0
    }
}
