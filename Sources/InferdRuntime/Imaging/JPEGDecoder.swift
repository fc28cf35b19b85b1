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
    ///   declared size exceeds ``DecodeOptions/maxPixels``, `.tooCostly` for more progressive scans than
    ///   ``DecodeOptions/maxJPEGScans`` or when ``DecodeOptions/deadline`` has passed.
    public static func decode(_ data: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageError) -> PixelBuffer {
        guard let handle = tjInitDecompress() else { throw ImageError(.corrupt, "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        let info = try header(data, handle: handle)
        try options.checkDimensions(width: info.width, height: info.height, format: "JPEG")
        return try decode(data, header: info, options: options, handle: handle)
    }

    /// Decodes `data` whose header the caller already read (``header(_:)``) and checked: one request
    /// reads its image header once.
    ///
    /// - Throws: ``ImageError`` `.corrupt` for truncated data or corrupt scans.
    public static func decode(_ data: UnsafeRawBufferPointer, header info: Header, options: DecodeOptions) throws(ImageError) -> PixelBuffer {
        guard !data.isEmpty else { throw ImageError(.empty, "the image is empty (0 bytes)") }
        guard let handle = tjInitDecompress() else { throw ImageError(.corrupt, "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        return try decode(data, header: info, options: options, handle: handle)
    }

    private static func decode(_ data: UnsafeRawBufferPointer, header info: Header, options: DecodeOptions,
                               handle: tjhandle) throws(ImageError) -> PixelBuffer {
        let structure = JPEGStructure.read(data, scanLimit: options.maxJPEGScans)
        guard structure.scans <= options.maxJPEGScans else {
            throw ImageError(.tooCostly, "the JPEG has more than \(options.maxJPEGScans) progressive scans (each one is another full decoding pass); "
                                 + "re-encode it with a standard scan script")
        }
        // Entropy coding cannot describe a pixel in much less than a bit per 8x8 block; a file that
        // declares thousands of pixels a byte is an inflated header meant to cost CPU.
        let pixels = info.width * info.height
        guard pixels <= Self.pixelsWithoutRatioCheck || pixels / data.count <= Self.maxPixelsPerByte else {
            throw ImageError(.tooCostly, "the JPEG declares \(info.width)x\(info.height) pixels in \(data.count) bytes, "
                                 + "more than \(Self.maxPixelsPerByte) pixels a byte: not a real photo")
        }
        let factor = scale(width: info.width, height: info.height, minimum: options.minimumSize)
        let outWidth = (info.width * factor.num + factor.denom - 1) / factor.denom
        let outHeight = (info.height * factor.num + factor.denom - 1) / factor.denom
        try options.checkCost(.jpeg(width: info.width, height: info.height, components: structure.components,
                                    progressive: structure.progressive, output: (outWidth, outHeight)), format: "JPEG")
        try options.checkDeadline(format: "JPEG")
        let base = data.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // TJFLAG_LIMITSCANS: TurboJPEG's own backstop (500 scans); the count above is stricter.
        let flags = Int32(TJFLAG_STOPONWARNING) | Int32(TJFLAG_LIMITSCANS)
        let result = PixelBuffer(width: outWidth, height: outHeight)

        if !info.isCMYK {
            let status = tjDecompress2(handle, base, UInt(data.count), result.bytes.assumingMemoryBound(to: UInt8.self),
                                       Int32(outWidth), 0, Int32(outHeight), Int32(TJPF_RGB.rawValue), flags)
            guard status == 0 else { throw ImageError(.corrupt, "corrupt JPEG data: \(errorText(handle))") }
            try options.checkDeadline(format: "JPEG")
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

    /// Above this many pixels a JPEG must carry at least a byte per ``maxPixelsPerByte`` pixels.
    static let pixelsWithoutRatioCheck = 4_000_000
    /// 4096 pixels (64 blocks) a byte: ten times what a uniform baseline image compresses to.
    static let maxPixelsPerByte = 4096

    /// What decoding `data` with `options` costs, from its headers (``DecodeCost``).
    public static func cost(_ data: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageError) -> DecodeCost {
        let info = try header(data)
        try options.checkDimensions(width: info.width, height: info.height, format: "JPEG")
        let structure = JPEGStructure.read(data, scanLimit: options.maxJPEGScans)
        let factor = scale(width: info.width, height: info.height, minimum: options.minimumSize)
        let output = ((info.width * factor.num + factor.denom - 1) / factor.denom, (info.height * factor.num + factor.denom - 1) / factor.denom)
        return .jpeg(width: info.width, height: info.height, components: structure.components, progressive: structure.progressive, output: output)
    }

    private static func scaled(_ dimension: Int, _ factor: tjscalingfactor) -> Int {
        (dimension * Int(factor.num) + Int(factor.denom) - 1) / Int(factor.denom)
    }

    private static func errorText(_ handle: tjhandle) -> String {
        tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error"
    }
}
