import InferdRuntime
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
