import Foundation
import InferdRuntime
import Testing

/// Phone photos: a JPEG whose EXIF orientation says "turn me" decodes upright.
@Suite struct ExifOrientationTests {
    /// `jpeg` with an EXIF APP1 segment carrying `orientation` inserted after SOI (big- or little-endian TIFF).
    static func tagged(_ jpeg: [UInt8], _ orientation: Int, littleEndian: Bool = false) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { littleEndian ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF) }
        let tiff: [UInt8] = (littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]) + u16(42) + u32(8)
            + u16(2)  // two entries: a harmless one (ImageDescription offset) first, then Orientation
            + u16(0x010E) + u16(2) + u32(1) + u32(0)
            + u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)
            + u32(0)
        let payload: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        return Array(jpeg[0..<2]) + [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + Array(jpeg[2...])
    }

    @Test func everyOrientationTurnsThePixelsUpright() throws {
        let plain = try Fixtures.bytes(Fixtures.sample("coffee.jpg"))
        let stored = try ImageDecoder.decode(plain)
        let (w, h) = (stored.pixels.width, stored.pixels.height)
        for orientation in ExifOrientation.allCases {
            for little in [false, true] {
                let bytes = Self.tagged(plain, orientation.rawValue, littleEndian: little)
                #expect(bytes.withUnsafeBytes { ExifOrientation.of(jpeg: $0) } == orientation)
                let upright = try ImageDecoder.decode(bytes)
                let swapped = orientation.swapsAxes
                #expect(upright.pixels.width == (swapped ? h : w) && upright.pixels.height == (swapped ? w : h))
                #expect(upright.originalWidth == (swapped ? stored.originalHeight : stored.originalWidth))
                // The stored top-left corner lands where the orientation says.
                let (dw, dh) = (upright.pixels.width, upright.pixels.height)
                let corner: (Int, Int) = switch orientation {
                case .up, .leftMirrored: (0, 0)
                case .upMirrored, .right: (dw - 1, 0)
                case .down, .rightMirrored: (dw - 1, dh - 1)
                case .downMirrored, .left: (0, dh - 1)
                }
                #expect(upright.pixels[corner.0, corner.1] == stored.pixels[0, 0], "\(orientation)")
                // And a point inside: stored (10, 20).
                let inside: (Int, Int) = switch orientation {
                case .up: (10, 20)
                case .upMirrored: (dw - 1 - 10, 20)
                case .down: (dw - 1 - 10, dh - 1 - 20)
                case .downMirrored: (10, dh - 1 - 20)
                case .leftMirrored: (20, 10)
                case .right: (dw - 1 - 20, 10)
                case .rightMirrored: (dw - 1 - 20, dh - 1 - 10)
                case .left: (20, dh - 1 - 10)
                }
                #expect(upright.pixels[inside.0, inside.1] == stored.pixels[10, 20], "\(orientation) little-endian \(little)")
            }
        }
    }

    @Test func aJPEGWithoutExifOrWithGarbageIsLeftAsStored() throws {
        let plain = try Fixtures.bytes(Fixtures.sample("coffee.jpg"))
        #expect(plain.withUnsafeBytes { ExifOrientation.of(jpeg: $0) } == .up)
        var broken = Self.tagged(plain, 6)
        broken[10] = 0x58  // "Exif" → "ExXf"... the header no longer matches
        #expect(broken.withUnsafeBytes { ExifOrientation.of(jpeg: $0) } == .up)
        let outOfRange = Self.tagged(plain, 9)
        #expect(outOfRange.withUnsafeBytes { ExifOrientation.of(jpeg: $0) } == .up)
    }
}

