import Core
import Foundation
import InferdRuntime
import Testing

/// Every kind of bad image becomes a typed ``ImageError``, never a crash, and decompression bombs are
/// refused from their header, before pixel memory is allocated.
@Suite struct DecoderBadInputTests {
    /// Decodes `bytes`, turning the typed error into a value so loops can count outcomes.
    static func outcome(_ bytes: [UInt8], options: DecodeOptions = DecodeOptions()) -> Result<ImageDecoder.Result, ImageError> {
        do { return .success(try ImageDecoder.decode(bytes, options: options)) } catch { return .failure(error) }
    }

    @Test(arguments: [
        ("empty.jpg", ImageError.Code.empty),
        ("not-an-image.jpg", .unsupportedFormat),
        ("truncated.jpg", .corrupt),
        ("corrupt.jpg", .corrupt),
        ("huge-dims.png", .tooLarge),
        ("huge-dims.jpg", .tooLarge),
    ])
    func badFixtureGivesItsCode(file: String, code: ImageError.Code) throws {
        let bytes = try Fixtures.bytes(Fixtures.sample("bad/" + file))
        switch Self.outcome(bytes) {
        case .success(let result):
            Issue.record("\(file) decoded to \(result.pixels.width)x\(result.pixels.height) instead of failing with \(code)")
        case .failure(let error):
            #expect(error.code == code, "\(file): \(error)")
            #expect(!error.message.isEmpty)
        }
    }

    /// The format decoders are public too: zero bytes (with or without a base address) is `.empty`.
    @Test func theFormatDecodersRefuseEmptyInputThemselves() {
        func check(_ raw: UnsafeRawBufferPointer) {
            let decoders: [(String, () throws -> Void)] = [
                ("JPEGDecoder.decode", { _ = try JPEGDecoder.decode(raw, options: DecodeOptions()) }),
                ("JPEGDecoder.header", { _ = try JPEGDecoder.header(raw) }),
                ("PNGDecoder.decode", { _ = try PNGDecoder.decode(raw, options: DecodeOptions()) }),
            ]
            for (name, decode) in decoders {
                let error = #expect(throws: ImageError.self, "\(name)") { try decode() }
                #expect(error?.code == .empty, "\(name): \(String(describing: error))")
            }
        }
        check(UnsafeRawBufferPointer(start: nil, count: 0))
        let byte: [UInt8] = [0xFF]
        byte.withUnsafeBytes { check(UnsafeRawBufferPointer(rebasing: $0[0..<0])) }
    }

    /// huge-dims.png declares 100000 x 100000 RGB (30 GB of pixels), huge-dims.jpg 60000 x 60000
    /// (10.8 GB). Both must be refused from the header. The peak resident size is process-wide and other
    /// suites load models in parallel (AlexNet alone adds several hundred MB), so the bound is 2 GiB and
    /// a quarter of the declared size: far below what decoding the image would touch.
    @Test(arguments: [("huge-dims.png", 100_000), ("huge-dims.jpg", 60_000)])
    func decompressionBombIsRefusedBeforeAllocating(file: String, side: Int) throws {
        let bytes = try Fixtures.bytes(Fixtures.sample("bad/" + file))
        let declared = Int64(side) * Int64(side) * 3
        let before = ProcessMemory.peakResidentBytes()
        #expect(before > 0, "VmHWM must be readable")
        for options in [DecodeOptions(), DecodeOptions(minimumSize: (224, 224))] {
            #expect(throws: ImageError.self) { try ImageDecoder.decode(bytes, options: options) }
            if case .failure(let error) = Self.outcome(bytes, options: options) {
                #expect(error.code == .tooLarge)
                #expect(error.message.contains("\(side)x\(side)"), "\(error)")
            }
        }
        let grown = ProcessMemory.peakResidentBytes() - before
        #expect(grown < min(declared / 4, 2 << 30), "peak RSS grew by \(grown) bytes for a \(declared)-byte declared image")
    }

    /// The limit is the caller's: one pixel under the photo's size refuses it, exactly its size accepts it,
    /// whether or not the JPEG would be DCT-scaled (the declared size is what counts).
    @Test(arguments: ["coffee.jpg", "chelsea.png"])
    func customPixelLimit(file: String) throws {
        let bytes = try Fixtures.bytes(Fixtures.sample(file))
        let full = try ImageDecoder.decode(bytes)
        let pixels = full.originalWidth * full.originalHeight
        for minimum in [nil, (width: 32, height: 32)] as [(width: Int, height: Int)?] {
            switch Self.outcome(bytes, options: DecodeOptions(minimumSize: minimum, maxPixels: pixels - 1)) {
            case .success: Issue.record("\(file) (\(pixels) pixels) passed a limit of \(pixels - 1)")
            case .failure(let error): #expect(error.code == .tooLarge, "\(error)")
            }
            let accepted = try ImageDecoder.decode(bytes, options: DecodeOptions(minimumSize: minimum, maxPixels: pixels))
            #expect(accepted.originalWidth == full.originalWidth && accepted.originalHeight == full.originalHeight)
        }
        switch Self.outcome(bytes, options: DecodeOptions(maxPixels: 1000)) {
        case .success: Issue.record("a 1000-pixel limit accepted \(file)")
        case .failure(let error): #expect(error.code == .tooLarge)
        }
    }

    /// A valid signature followed by random bytes: recognised as the format, then refused as corrupt.
    @Test(arguments: [
        ("jpeg", [UInt8]([0xFF, 0xD8, 0xFF])),
        ("png", [UInt8]([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])),
    ])
    func garbageAfterASignature(format: String, signature: [UInt8]) {
        var random = SeededGenerator(seed: 42)
        var codes: [ImageError.Code: Int] = [:]
        for round in 0..<300 {
            let length = round < 64 ? round : Int.random(in: 0...4096, using: &random)
            let bytes = signature + (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            switch Self.outcome(bytes) {
            case .success(let result):
                Issue.record("\(format) signature + \(length) random bytes decoded to \(result.pixels.width)x\(result.pixels.height)")
            case .failure(let error):
                codes[error.code, default: 0] += 1
                #expect(error.code == .corrupt || error.code == .tooLarge, "\(error)")
            }
        }
        #expect(codes[.corrupt, default: 0] > 0)
    }

    /// Every prefix of the first kilobyte (the headers) and 200 prefixes spread over the whole file:
    /// each is a typed error or a valid image; only the whole file decodes (TJFLAG_STOPONWARNING: a
    /// truncated JPEG is not padded with grey; libpng wants the IEND chunk).
    @Test(arguments: ["coffee.jpg", "bad/palette.png"])
    func everyTruncationIsATypedErrorOrAnImage(file: String) throws {
        let bytes = try Fixtures.bytes(Fixtures.sample(file))
        let options = DecodeOptions(minimumSize: (32, 32))
        let whole = try ImageDecoder.decode(bytes, options: options)
        let signatureLength = whole.format == .jpeg ? 3 : 8
        let lengths = Set(Array(0...min(1024, bytes.count)) + (0...200).map { bytes.count * $0 / 200 })
        var decoded: [Int] = []
        for length in lengths.sorted() {
            switch Self.outcome(Array(bytes.prefix(length)), options: options) {
            case .success(let result):
                decoded.append(length)
                #expect(result.pixels.width == whole.pixels.width && result.pixels.height == whole.pixels.height)
            case .failure(let error):
                // Shorter than the signature it is not recognisable as the format at all.
                let expected: ImageError.Code = length == 0 ? .empty : length < signatureLength ? .unsupportedFormat : .corrupt
                #expect(error.code == expected, "\(length) bytes: \(error)")
            }
        }
        #expect(decoded == [bytes.count], "prefixes that decoded: \(decoded) of \(bytes.count)")
    }

    /// Random bytes overwritten inside a valid file (the header included): a typed error or an image.
    @Test(arguments: ["coffee.jpg", "bad/palette.png", "bad/cmyk.jpg"])
    func randomlyDamagedFilesNeverCrash(file: String) throws {
        let original = try Fixtures.bytes(Fixtures.sample(file))
        var random = SeededGenerator(seed: 7)
        var failures = 0
        for _ in 0..<150 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let limit = Bool.random(using: &random) ? min(bytes.count, 700) : bytes.count
                bytes[Int.random(in: 0..<limit, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            switch Self.outcome(bytes, options: DecodeOptions(minimumSize: (32, 32))) {
            case .success(let result): #expect(result.pixels.width > 0 && result.pixels.height > 0)
            case .failure(let error): failures += 1; #expect(!error.message.isEmpty)
            }
        }
        #expect(failures > 0)
    }
}
