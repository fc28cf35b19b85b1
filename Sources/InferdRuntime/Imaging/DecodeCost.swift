/// The memory decoding one image needs, from its header alone: what ``DecodeOptions/maxWorkingBytes``
/// limits, and what a caller charges against an in-flight memory cap before decoding (the hook for
/// the lifecycle's admission: ``ImageDecoder/cost(of:options:)``).
public struct DecodeCost: Sendable, Equatable {
    /// Bytes held at the peak of the decode: the output pixels plus the decoder's own buffers.
    public var workingBytes: Int
    /// Bytes of the decoded result (still held after decoding, until inference).
    public var outputBytes: Int
    /// What dominates, for messages: "row by row", "progressive JPEG coefficients", ….
    public var reason: String

    public init(workingBytes: Int, outputBytes: Int, reason: String) {
        self.workingBytes = workingBytes
        self.outputBytes = outputBytes
        self.reason = reason
    }

    /// A PNG of `width` x `height` decoded to `output`: one RGBA row and a row of sums, or the whole
    /// image as RGBA when interlaced.
    static func png(width: Int, height: Int, interlaced: Bool, output: (width: Int, height: Int)) -> DecodeCost {
        let out = output.width * output.height * 3
        let decoder = interlaced ? width * height * 4 : width * 4 + output.width * 24
        return DecodeCost(workingBytes: out + decoder, outputBytes: out,
                          reason: interlaced ? "an interlaced PNG is held whole" : "row by row")
    }

    /// A JPEG of `width` x `height` with `components` colour components decoded to `output`: a
    /// progressive one keeps every DCT coefficient (2 bytes a sample, up to `components` samples a
    /// pixel); a baseline one works a band of rows at a time.
    static func jpeg(width: Int, height: Int, components: Int, progressive: Bool, output: (width: Int, height: Int)) -> DecodeCost {
        let out = output.width * output.height * 3
        let decoder = progressive ? width * height * max(1, components) * 2 : width * 16 * max(1, components)
        return DecodeCost(workingBytes: out + decoder, outputBytes: out,
                          reason: progressive ? "a progressive JPEG keeps every coefficient" : "band by band")
    }
}
