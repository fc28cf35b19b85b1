/// What an encoded image declares about itself, read from its header without decoding a pixel:
/// enough to refuse an unsupported, corrupt-headed or oversized image before it is uploaded anywhere
/// (the daemon checks this before offloading a request to a remote).
public struct ImageHeader: Sendable, Equatable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int

    /// Reads the header of `data` and checks the declared size against `options.maxPixels`.
    ///
    /// - Throws: ``ImageError``: `.empty`, `.unsupportedFormat`, `.corrupt` (no readable header),
    ///   `.tooLarge` (declared size over the limit).
    public static func read(_ data: [UInt8], options: DecodeOptions = DecodeOptions()) throws(ImageError) -> ImageHeader {
        do {
            return try data.withUnsafeBytes { (raw) throws(ImageError) in try read(raw, options: options) }
        } catch {
            throw error as! ImageError
        }
    }

    static func read(_ data: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageError) -> ImageHeader {
        let format = try ImageFormat.detect(data)
        let header: ImageHeader
        switch format {
        case .jpeg:
            let jpeg = try JPEGDecoder.header(data)
            header = ImageHeader(format: .jpeg, width: jpeg.width, height: jpeg.height)
        case .png:
            // Signature (8), IHDR length (4), "IHDR" (4), width (4, big-endian), height (4).
            guard data.count >= 24, Array(data[12..<16]) == Array("IHDR".utf8) else {
                throw ImageError(.corrupt, "corrupt PNG: no IHDR chunk where the header should be")
            }
            func bigEndian(_ at: Int) -> Int { (at..<at + 4).reduce(0) { $0 << 8 | Int(data[$1]) } }
            header = ImageHeader(format: .png, width: bigEndian(16), height: bigEndian(20))
        }
        try options.checkDimensions(width: header.width, height: header.height, format: format.rawValue.uppercased())
        return header
    }
}
