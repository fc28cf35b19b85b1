import CTurboJPEG

/// Decodes JPEG with TurboJPEG, scaling down in the DCT domain while decoding.
///
/// For a 224 x 224 model a 2160 x 3840 photo is decoded at 1/8 scale (270 x 480): the decoder skips
/// most of the inverse DCT and never allocates the full-size image. Grey JPEGs come out as RGB; CMYK
/// and YCCK JPEGs (Adobe, inverted) are converted to RGB.
public enum JPEGDecoder {
    /// The header's facts, read without decoding pixels.
    public struct Header: Sendable, Equatable {
        public var width: Int
        public var height: Int
        /// True for CMYK or YCCK colour spaces.
        public var isCMYK: Bool
    }

    /// Reads the header of `data`.
    public static func header(_ data: UnsafeRawBufferPointer) throws(ImageError) -> Header {
        guard let handle = tjInitDecompress() else { throw ImageError(.corrupt, "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        return try header(data, handle: handle)
    }

    private static func header(_ data: UnsafeRawBufferPointer, handle: tjhandle) throws(ImageError) -> Header {
        guard let start = data.baseAddress, !data.isEmpty else { throw ImageError(.empty, "the image is empty (0 bytes)") }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let base = start.assumingMemoryBound(to: UInt8.self)
        guard tjDecompressHeader3(handle, base, UInt(data.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw ImageError(.corrupt, "corrupt JPEG header: \(errorText(handle))")
        }
        let cmyk = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        return Header(width: Int(width), height: Int(height), isCMYK: cmyk)
    }

    /// The scale (numerator, denominator) TurboJPEG will use for an image of `width` x `height` so that
    /// the result is the smallest that is still at least `minimum` in both sides (1/1 when the image is
    /// already smaller).
    public static func scale(width: Int, height: Int, minimum: (width: Int, height: Int)?) -> (num: Int, denom: Int) {
        guard let minimum else { return (1, 1) }
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count) else { return (1, 1) }
        var best = (num: 1, denom: 1)
        var bestPixels = width * height
        for factor in UnsafeBufferPointer(start: factors, count: Int(count)) where factor.num <= factor.denom {
            let w = scaled(width, factor), h = scaled(height, factor)
            if w >= minimum.width, h >= minimum.height, w * h < bestPixels {
                best = (Int(factor.num), Int(factor.denom))
                bestPixels = w * h
            }
        }
        return best
    }

    /// Decodes `data` to RGB, scaled as small as ``DecodeOptions/minimumSize`` allows.
    ///
    /// - Throws: ``ImageError``: `.empty` for zero bytes, `.corrupt` for a bad header, truncated data or corrupt scans
    ///   (warnings are errors: a truncated JPEG is not silently padded with grey), `.tooLarge` when the
    ///   declared size exceeds ``DecodeOptions/maxPixels``.
    public static func decode(_ data: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageError) -> PixelBuffer {
        guard let handle = tjInitDecompress() else { throw ImageError(.corrupt, "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        let info = try header(data, handle: handle)
        try options.checkDimensions(width: info.width, height: info.height, format: "JPEG")
        let factor = scale(width: info.width, height: info.height, minimum: options.minimumSize)
        let outWidth = (info.width * factor.num + factor.denom - 1) / factor.denom
        let outHeight = (info.height * factor.num + factor.denom - 1) / factor.denom
        let base = data.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let flags = Int32(TJFLAG_STOPONWARNING)
        let result = PixelBuffer(width: outWidth, height: outHeight)

        if !info.isCMYK {
            let status = tjDecompress2(handle, base, UInt(data.count), result.bytes.assumingMemoryBound(to: UInt8.self),
                                       Int32(outWidth), 0, Int32(outHeight), Int32(TJPF_RGB.rawValue), flags)
            guard status == 0 else { throw ImageError(.corrupt, "corrupt JPEG data: \(errorText(handle))") }
            return result
        }
        // TurboJPEG 2.x cannot convert CMYK to RGB itself: decode CMYK and convert (Adobe's inverted CMYK).
        let cmyk = UnsafeMutablePointer<UInt8>.allocate(capacity: outWidth * outHeight * 4)
        defer { cmyk.deallocate() }
        let status = tjDecompress2(handle, base, UInt(data.count), cmyk, Int32(outWidth), 0, Int32(outHeight),
                                   Int32(TJPF_CMYK.rawValue), flags)
        guard status == 0 else { throw ImageError(.corrupt, "corrupt JPEG data: \(errorText(handle))") }
        let rgb = result.bytes.assumingMemoryBound(to: UInt8.self)
        for i in 0..<(outWidth * outHeight) {
            let k = UInt32(cmyk[i * 4 + 3])
            rgb[i * 3] = UInt8(UInt32(cmyk[i * 4]) * k / 255)
            rgb[i * 3 + 1] = UInt8(UInt32(cmyk[i * 4 + 1]) * k / 255)
            rgb[i * 3 + 2] = UInt8(UInt32(cmyk[i * 4 + 2]) * k / 255)
        }
        return result
    }

    private static func scaled(_ dimension: Int, _ factor: tjscalingfactor) -> Int {
        (dimension * Int(factor.num) + Int(factor.denom) - 1) / Int(factor.denom)
    }

    private static func errorText(_ handle: tjhandle) -> String {
        tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error"
    }
}
