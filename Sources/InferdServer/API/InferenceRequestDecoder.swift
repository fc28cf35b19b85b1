import InferdRuntime
import InferdWire
import NIOCore

/// Decodes the body of `POST /v2/models/{name}/infer` on the server side, in memory proportional to
/// the body: the JSON `data` arrays are located without being parsed, the rest of the request (a few
/// hundred bytes) is decoded with `Codable`, and then the one image input is checked against what the
/// model takes — datatype, shape, element count — before its elements are read straight into one
/// contiguous `UINT8` buffer. A 60 MB JSON tensor costs about its body plus the pixels, never a
/// `[Double]` of millions of boxed numbers.
///
/// The binary tensor extension (`binary_data_size`) takes the bytes as they follow the JSON header.
enum InferenceRequestDecoder {
    /// The request without its pixels: what they are and where they are in the body.
    struct Frame: Sendable {
        var request: OpenInference.InferenceRequest
        var input: OpenInference.RequestInput
        /// The pixel bytes the input declares (height × width × 3), known before any is read.
        var byteCount: Int
        fileprivate var source: Source
    }

    fileprivate enum Source: Sendable {
        /// JSON numbers at this range of the body's readable bytes.
        case json(Range<Int>)
        /// Raw bytes following the JSON header.
        case binary(ByteBuffer, size: Int64)
    }

    /// Reads everything but the pixels and checks the input against what the model takes.
    ///
    /// - Throws: ``InferdError`` `.badRequest` for malformed JSON, a wrong input count, datatype or
    ///   shape; `.tooLarge` for more pixels than `maxPixels`.
    static func frame(_ body: ByteBuffer, headerLength: String?, model name: String, maxPixels: Int) throws(InferdError) -> Frame {
        let (jsonLength, binary) = try split(body, headerLength: headerLength)
        let (request, dataRanges) = try withBytes(body) { (all) throws(InferdError) in
            let json = UnsafeRawBufferPointer(rebasing: all[0..<jsonLength])
            let ranges = try locateData(json)
            let header = stripped(json, removing: ranges)
            let request: OpenInference.InferenceRequest
            if let read = header.withUnsafeBytes(InferenceHeaderReader.read) {
                request = read
            } else {
                request = try JSONCoding.decode(OpenInference.InferenceRequest.self, from: header, what: "inference request")
            }
            return (request, ranges)
        }
        guard request.inputs.count == 1, let input = request.inputs.first else {
            throw InferdError(.badRequest, "\(name) takes exactly one input (an RGB image tensor), got \(request.inputs.count)")
        }
        try ImageTensor.validate(name: input.name, shape: input.shape, datatype: input.datatype, maxPixels: maxPixels)
        let source: Source
        if let size = input.parameters?["binary_data_size"] {
            guard let size = size.intValue else { throw InferdError(.badRequest, "input \(input.name): binary_data_size must be an integer") }
            source = .binary(binary, size: size)
        } else if let range = dataRanges[0] {
            source = .json(range)
        } else {
            throw InferdError(.badRequest, "input \(input.name) has neither data nor parameters.binary_data_size")
        }
        return Frame(request: request, input: input, byteCount: ImageTensor.byteCount(shape: input.shape), source: source)
    }

    /// Reads the pixels `frame` locates in `body` into one contiguous pixel buffer of exactly
    /// ``Frame/byteCount`` bytes (the one the model reads).
    ///
    /// - Throws: ``InferdError`` `.badRequest` for a number that is not 0...255, an element count
    ///   other than the shape's, or a `binary_data_size` that is not the shape's size or overruns the body.
    static func tensor(_ frame: Frame, body: ByteBuffer) throws(InferdError) -> ImageTensor {
        let input = frame.input
        let count = frame.byteCount
        let shape = input.shape
        let pixels = PixelBuffer(width: Int(shape[shape.count - 2]), height: Int(shape[shape.count - 3]))
        let output = UnsafeMutableBufferPointer(start: pixels.bytes.assumingMemoryBound(to: UInt8.self), count: count)
        switch frame.source {
        case .binary(let binary, let size):
            guard size == Int64(count) else {
                throw InferdError(.badRequest, "input \(input.name): shape \(shape) needs \(count) bytes, binary_data_size is \(size)")
            }
            guard size <= Int64(binary.readableBytes) else {
                throw InferdError(.badRequest, "input \(input.name): binary_data_size \(size) is more than the \(binary.readableBytes) binary bytes left in the body")
            }
            binary.withUnsafeReadableBytes { source in
                UnsafeMutableRawBufferPointer(output).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<count]))
            }
        case .json(let range):
            let read = try withBytes(body) { (all) throws(InferdError) -> Int in
                try JSONSkimmer.readUInt8Array(all, range: range, into: output, input: input.name)
            }
            guard read == count else {
                throw InferdError(.badRequest, "input \(input.name): shape \(shape) needs \(count) elements, data has \(read)")
            }
        }
        return ImageTensor(name: input.name, shape: shape, datatype: input.datatype, pixels: pixels)
    }

    /// Runs `body` on the body's readable bytes without copying them (NIO keeps a body in one piece).
    private static func withBytes<T>(_ buffer: ByteBuffer, _ body: (UnsafeRawBufferPointer) throws(InferdError) -> T) throws(InferdError) -> T {
        var result: Result<T, InferdError>!
        buffer.withUnsafeReadableBytes { bytes in
            do throws(InferdError) {
                result = .success(try body(bytes))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    /// The largest JSON header and body that ``isCheapToFrame(_:headerLength:)`` frames on the caller.
    static let cheapHeaderBytes = 16 << 10
    static let cheapBodyBytes = 1 << 20

    /// True for a binary-extension request whose JSON header is at most ``cheapHeaderBytes`` and whose
    /// body is at most ``cheapBodyBytes`` (a 512x512 image): framing it is a header read
    /// (``InferenceHeaderReader``, `Codable` for unusual ones) and one copy, tens of microseconds, less
    /// than a hop to a pool thread and back. A JSON tensor (its numbers parsed one by one) or a larger
    /// body is not.
    static func isCheapToFrame(_ body: ByteBuffer, headerLength: String?) -> Bool {
        guard let headerLength, let length = BinaryTensorBody.headerLength(headerLength) else { return false }
        return length <= cheapHeaderBytes && body.readableBytes <= cheapBodyBytes
    }

    /// The length of the JSON part and the binary part after it.
    private static func split(_ body: ByteBuffer, headerLength: String?) throws(InferdError) -> (Int, ByteBuffer) {
        guard let headerLength else { return (body.readableBytes, ByteBuffer()) }
        guard let length = BinaryTensorBody.headerLength(headerLength), length >= 0, length <= body.readableBytes else {
            throw InferdError(.badRequest, "\(BinaryTensorBody.headerLengthField) \(headerLength) is not a length within the \(body.readableBytes)-byte body")
        }
        return (length, body.getSlice(at: body.readerIndex + length, length: body.readableBytes - length) ?? ByteBuffer())
    }

    /// Where each input's `data` value is (by input index), found without parsing the numbers.
    static func locateData(_ json: UnsafeRawBufferPointer) throws(InferdError) -> [Int: Range<Int>] {
        var skimmer = JSONSkimmer(json)
        var ranges: [Int: Range<Int>] = [:]
        try skimmer.expect(UInt8(ascii: "{"))
        if try skimmer.peek() == UInt8(ascii: "}") { return ranges }
        repeat {
            let key = try skimmer.string()
            try skimmer.expect(UInt8(ascii: ":"))
            if key == "inputs", try skimmer.peek() == UInt8(ascii: "[") {
                skimmer.offset += 1
                var index = 0
                if try skimmer.peek() != UInt8(ascii: "]") {
                    repeat {
                        if try skimmer.peek() == UInt8(ascii: "{") {
                            skimmer.offset += 1
                            if try skimmer.peek() != UInt8(ascii: "}") {
                                repeat {
                                    let member = try skimmer.string()
                                    try skimmer.expect(UInt8(ascii: ":"))
                                    let range = try skimmer.skipValue(depth: 2)
                                    if member == "data" { ranges[index] = range }
                                } while try !skimmer.endOrComma(UInt8(ascii: "}"))
                            } else {
                                skimmer.offset += 1
                            }
                        } else {
                            try skimmer.skipValue(depth: 1)
                        }
                        index += 1
                    } while try !skimmer.endOrComma(UInt8(ascii: "]"))
                } else {
                    skimmer.offset += 1
                }
            } else {
                try skimmer.skipValue(depth: 1)
            }
        } while try !skimmer.endOrComma(UInt8(ascii: "}"))
        return ranges
    }

    /// `json` with each range replaced by `null` (small: what is left is the request's frame).
    private static func stripped(_ json: UnsafeRawBufferPointer, removing ranges: [Int: Range<Int>]) -> [UInt8] {
        var result: [UInt8] = []
        var position = 0
        for range in ranges.values.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            result += json[position..<range.lowerBound]
            result += Array("null".utf8)
            position = range.upperBound
        }
        result += json[position..<json.count]
        return result
    }
}
