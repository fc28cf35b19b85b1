import InferdRuntime

extension ImageHeader {
    /// The bytes the decoded RGB pixels will take: a JPEG at the DCT scale the decoder will pick for
    /// `minimumSize` (rounded up), a PNG at full size. Charged to the in-flight cap before decoding.
    func decodedBytes(minimumSize: (width: Int, height: Int)?) -> Int64 {
        guard format == .jpeg else { return Int64(width) * Int64(height) * 3 }
        let factor = JPEGDecoder.scale(width: width, height: height, minimum: minimumSize)
        let scaledWidth = (width * factor.num + factor.denom - 1) / factor.denom
        let scaledHeight = (height * factor.num + factor.denom - 1) / factor.denom
        return Int64(scaledWidth) * Int64(scaledHeight) * 3
    }
}
