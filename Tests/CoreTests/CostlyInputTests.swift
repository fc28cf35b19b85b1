import InferdRuntime
import InferdStudy
import InferdWire
import Foundation
import Testing

/// Images built to cost far more than their size are refused from their headers.
@Suite struct CostlyInputTests {
    /// `coffee.jpg` made progressive (SOF2) with `scans` copies of a scan: not decodable, but its
    /// markers are what the counter reads.
    static func manyScans(_ scans: Int) throws -> [UInt8] {
        let photo = try Fixtures.bytes(Fixtures.sample("coffee.jpg"))
        let sos = try #require((2..<(photo.count - 1)).first { photo[$0] == 0xFF && photo[$0 + 1] == 0xDA })
        let sof = try #require((2..<sos).first { photo[$0] == 0xFF && photo[$0 + 1] == 0xC0 })
        var bytes = Array(photo[..<sos])
        bytes[sof + 1] = 0xC2
        // Entropy data with a stuffed 0xFF00 and a restart marker, which are not scans.
        let scan: [UInt8] = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56]
        for _ in 0..<scans { bytes += scan }
        return bytes + [0xFF, 0xD9]
    }

    @Test func scansAreCountedFromTheMarkers() throws {
        let photo = try Fixtures.bytes(Fixtures.sample("coffee.jpg"))
        let baseline = photo.withUnsafeBytes { JPEGStructure.read($0) }
        #expect(baseline.scans == 1 && !baseline.progressive && baseline.components == 3)
        let many = try Self.manyScans(100)
        let structure = many.withUnsafeBytes { JPEGStructure.read($0) }
        #expect(structure.scans == 100 && structure.progressive)
        #expect(many.withUnsafeBytes { JPEGStructure.read($0, scanLimit: 64) }.scans == 65, "counting stops past the limit")
    }

    @Test func aJPEGWithTooManyScansIsRefusedBeforeDecoding() throws {
        let many = try Self.manyScans(100)
        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(many) }
        #expect(error?.code == .tooCostly && error?.message.contains("more than 64 progressive scans") == true, "\(String(describing: error))")
        #expect(InferdError(error!).httpStatus == 413)
    }

    /// A JPEG header that declares 100 megapixels in a few kilobytes is refused as inflated.
    @Test func aJPEGDeclaringFarMorePixelsThanItsBytesIsRefused() throws {
        var photo = try Fixtures.bytes(Fixtures.sample("coffee.jpg"))
        let sof = try #require((2..<(photo.count - 1)).first { photo[$0] == 0xFF && photo[$0 + 1] == 0xC0 })
        // SOF0: FF C0, length (2), precision (1), height (2), width (2).
        photo[sof + 5] = 0x27; photo[sof + 6] = 0x10  // height 10000
        photo[sof + 7] = 0x27; photo[sof + 8] = 0x10  // width 10000
        let small = Array(photo.prefix(4000)) + [0xFF, 0xD9]
        let error = #expect(throws: ImageError.self) { try ImageDecoder.decode(small, options: DecodeOptions(minimumSize: (224, 224))) }
        #expect(error?.code == .tooCostly, "\(String(describing: error))")
    }
}

/// Inputs `make fuzz` found, minimised, kept as regression tests.
@Suite struct FuzzRegressionTests {
    /// image: a PNG header declaring 2^32-1 x 2^32-1 overflowed the decode-cost hook (the decode path
    /// checked the size first; the cost query did not).
    @Test func aPNGHeaderWithHugeSizesGivesAnErrorFromTheCostHook() {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        png += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 8, 2, 0, 0, 1, 0, 0, 0, 0]
        let error = #expect(throws: ImageError.self) { try png.withUnsafeBytes { try ImageDecoder.cost(of: $0) } }
        #expect(error?.code == .tooLarge)
    }

    /// trace: an Azure Functions CSV row with 211111111 invocations in a minute asked for 211 million
    /// events from a 100-byte file (the fuzzer's 11 s timeout), and a negative count crashed.
    @Test func azureCountsOutOfRangeAreErrors() throws {
        let found = try #require(Data(base64Encoded: "SGFzaE93bmVyLEhhc2hBY3Rpb24sVGJpZ2f3ciwxLDIsMwpvLGEsZjEsaHR0cCwxLDAsMjExMTExMTEKbyxhZjIsdGltZXIsMCwzLDEb"))
        let text = String(decoding: found, as: UTF8.self)
        #expect(throws: TraceError.self) { try AzureFunctionsTrace.importCSV(text, models: ["a", "b"], maxFunctions: 5, minutes: 1...3) }
        let negative = "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,-5,1\n"
        #expect(throws: TraceError.self) { try AzureFunctionsTrace.importCSV(negative, models: ["a"]) }
        let fine = "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,3,1\n"
        #expect(try AzureFunctionsTrace.importCSV(fine, models: ["a"]).events.count == 4)
    }
}
