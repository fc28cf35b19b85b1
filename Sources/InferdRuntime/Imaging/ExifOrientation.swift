/// The EXIF orientation of a JPEG (TIFF tag 0x0112): how the stored pixels must be turned to show the
/// photo upright. Phones store the sensor's rows as shot and set this tag instead of rotating, so a
/// portrait photo decodes sideways unless the tag is applied.
public enum ExifOrientation: Int, Sendable, CaseIterable {
    case up = 1, upMirrored, down, downMirrored, leftMirrored, right, rightMirrored, left

    /// True when the upright image is the stored one turned a quarter (width and height swap).
    public var swapsAxes: Bool { rawValue >= 5 }

    /// The orientation a JPEG declares in its EXIF block; `.up` when it has none, or an unreadable one.
    /// Reads only the marker segments before the image data (a few KB at most).
    public static func of(jpeg data: UnsafeRawBufferPointer) -> ExifOrientation {
        var offset = 2  // after SOI
        while offset + 4 <= data.count, data[offset] == 0xFF {
            let marker = data[offset + 1]
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { offset += 2; continue }
            if marker == 0xFF { offset += 1; continue }  // fill byte
            if marker == 0xDA || marker == 0xD9 { break }  // image data: no EXIF after this
            let length = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
            guard length >= 2, offset + 2 + length <= data.count else { break }
            if marker == 0xE1, let found = exif(data, from: offset + 4, count: length - 2) { return found }
            offset += 2 + length
        }
        return .up
    }

    /// Reads tag 0x0112 from IFD0 of the APP1 payload at `start`.
    private static func exif(_ data: UnsafeRawBufferPointer, from start: Int, count: Int) -> ExifOrientation? {
        let header: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0]  // "Exif\0\0"
        guard count >= 14, (0..<6).allSatisfy({ data[start + $0] == header[$0] }) else { return nil }
        let tiff = start + 6, end = start + count
        let little: Bool
        switch (data[tiff], data[tiff + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at + 2 <= end else { return nil }
            return little ? Int(data[at]) | Int(data[at + 1]) << 8 : Int(data[at]) << 8 | Int(data[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard let ifd = u32(tiff + 4), let entries = u16(tiff + ifd) else { return nil }
        for index in 0..<min(entries, 512) {
            let entry = tiff + ifd + 2 + index * 12
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112 {
                guard let type = u16(entry + 2), type == 3, let value = u16(entry + 8) else { return nil }
                return ExifOrientation(rawValue: value)
            }
        }
        return nil
    }
}

extension PixelBuffer {
    /// This image turned upright per `orientation` (itself when `.up`).
    public func oriented(_ orientation: ExifOrientation) -> PixelBuffer {
        guard orientation != .up else { return self }
        let w = width, h = height
        let result = orientation.swapsAxes ? PixelBuffer(width: h, height: w) : PixelBuffer(width: w, height: h)
        let source = bytes.assumingMemoryBound(to: UInt8.self)
        let target = result.bytes.assumingMemoryBound(to: UInt8.self)
        for dy in 0..<result.height {
            for dx in 0..<result.width {
                // The stored pixel shown at (dx, dy).
                let (sx, sy): (Int, Int) = switch orientation {
                case .up: (dx, dy)
                case .upMirrored: (w - 1 - dx, dy)
                case .down: (w - 1 - dx, h - 1 - dy)
                case .downMirrored: (dx, h - 1 - dy)
                case .leftMirrored: (dy, dx)
                case .right: (dy, h - 1 - dx)
                case .rightMirrored: (w - 1 - dy, h - 1 - dx)
                case .left: (w - 1 - dy, dx)
                }
                let from = (sy * w + sx) * 3, to = (dy * result.width + dx) * 3
                target[to] = source[from]
                target[to + 1] = source[from + 1]
                target[to + 2] = source[from + 2]
            }
        }
        return result
    }
}
