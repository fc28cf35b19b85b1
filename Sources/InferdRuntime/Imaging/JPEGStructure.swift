/// The facts of a JPEG's marker structure that decide what decoding it costs, read by walking its
/// marker segments and skipping entropy-coded data, without decoding anything.
///
/// A progressive JPEG's decode cost grows with its scans (each one is another pass over every
/// coefficient), so a 400 KB file with 100 scans costs seconds of CPU; TurboJPEG 2.1's own guard
/// (`TJFLAG_LIMITSCANS`) stops only at 500. A progressive one also holds every coefficient.
public struct JPEGStructure: Sendable, Equatable {
    /// SOS markers before EOI (counting stops one past the limit given to ``read(_:scanLimit:)``).
    public var scans = 0
    /// A progressive frame (SOF2, SOF6, SOF10, SOF14).
    public var progressive = false
    /// Colour components of the frame (0 when no SOF was found).
    public var components = 0

    /// Walks `data`'s markers.
    public static func read(_ data: UnsafeRawBufferPointer, scanLimit: Int = .max) -> JPEGStructure {
        let bytes = data.bindMemory(to: UInt8.self)
        var result = JPEGStructure()
        var i = 2  // after SOI
        var inEntropyData = false
        while i + 1 < bytes.count, result.scans <= scanLimit {
            guard bytes[i] == 0xFF else {
                guard inEntropyData else { return result }  // no marker where one must be: stop
                i += 1
                continue
            }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if inEntropyData, marker == 0x00 || (0xD0...0xD7).contains(marker) { i += 2; continue }  // stuffed byte, restart
            if marker == 0xD9 { return result }  // EOI
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }  // markers without a length
            guard i + 3 < bytes.count else { return result }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            switch marker {
            case 0xDA:
                result.scans += 1
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                result.progressive = [0xC2, 0xC6, 0xCA, 0xCE].contains(marker)
                if i + 9 < bytes.count { result.components = Int(bytes[i + 9]) }
            default:
                break
            }
            inEntropyData = marker == 0xDA
            i += 2 + max(length, 2)
        }
        return result
    }
}
