/// Encoded image formats inferd decodes, recognised by their first bytes (not by a file name or a
/// content type, which clients get wrong).
public enum ImageFormat: String, Sendable {
    case jpeg, png

    /// Recognises `data`'s format from its signature.
    ///
    /// - Throws: ``ImageError`` `.empty` for zero bytes, `.unsupportedFormat` for anything else.
    public static func detect(_ data: UnsafeRawBufferPointer) throws(ImageError) -> ImageFormat {
        guard !data.isEmpty else { throw ImageError(.empty, "the image is empty (0 bytes)") }
        let bytes = Array(data.prefix(8))
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        throw ImageError(.unsupportedFormat, "not a JPEG or PNG image (first bytes \(bytes.prefix(4).map { String(format: "%02x", $0) }.joined()))")
    }
}

import Foundation
