import CTurboJPEG

/// Encodes RGB pixels as JPEG with TurboJPEG (`tjCompress2`).
///
/// Used for client-side resizing: a client decodes a large photo with DCT scaling to the smallest size
/// the model needs, re-encodes it here and sends a few tens of kilobytes instead of megabytes.
public enum JPEGEncoder {
    /// Quality used for client-side resizing: 90 keeps classification unchanged at a fraction of the size.
    public static let defaultQuality = 90

    /// Encodes `pixels` as a baseline JPEG with 4:2:0 chroma subsampling.
    ///
    /// - Parameter quality: 1 (smallest) ... 100 (best).
    /// - Throws: ``ImageEncodingError`` `.invalidParameter` for a quality out of range, `.encoderFailed`
    ///   with TurboJPEG's message otherwise.
    public static func encode(_ pixels: PixelBuffer, quality: Int = defaultQuality) throws(ImageEncodingError) -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw ImageEncodingError(.invalidParameter, "JPEG quality \(quality) is outside 1...100")
        }
        guard let handle = tjInitCompress() else {
            throw ImageEncodingError(.encoderFailed, "cannot start the JPEG encoder")
        }
        defer { tjDestroy(handle) }
        // TurboJPEG allocates (and may grow) the output buffer; it is released with tjFree.
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        defer { if let output { tjFree(output) } }
        let status = tjCompress2(handle, pixels.bytes.assumingMemoryBound(to: UInt8.self),
                                 Int32(pixels.width), Int32(pixels.width * 3), Int32(pixels.height),
                                 Int32(TJPF_RGB.rawValue), &output, &size,
                                 Int32(TJSAMP_420.rawValue), Int32(quality), 0)
        guard status == 0, let output else {
            let reason = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error"
            throw ImageEncodingError(.encoderFailed, "JPEG encoding failed: \(reason)")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
