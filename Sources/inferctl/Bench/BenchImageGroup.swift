import Foundation

/// A set of images of one size (the paper's image groups: the same photos at 2160x3840, 1080x1920 and
/// 540x960), or the images given with `--images`.
struct BenchImageGroup: Sendable, Equatable {
    /// `2160x3840`, or `custom` for `--images`.
    var name: String
    /// Image files, in order.
    var paths: [String]
    /// Height and width the name declares (the paper writes height x width), nil for `custom`.
    var height: Int?
    var width: Int?

    /// Megapixels of the group's images, when known.
    var megapixels: Double? {
        guard let width, let height else { return nil }
        return Double(width * height) / 1e6
    }

    /// The groups named by `--groups` under `directory` (each `directory/NAME/*.jpg`, sorted).
    ///
    /// - Throws: a message naming the group and directory when one has no JPEG files.
    static func named(_ names: [String], in directory: String) throws -> [BenchImageGroup] {
        try names.map { name in
            let folder = directory + "/" + name
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.lowercased().hasSuffix(".jpg") || $0.lowercased().hasSuffix(".jpeg") }
                .sorted()
            guard !files.isEmpty else { throw BenchError("no JPEG images in \(folder) for group \(name); pass --groups-dir DIR (or --images FILES)") }
            let sides = name.split(separator: "x").compactMap { Int($0) }
            return BenchImageGroup(name: name, paths: files.map { folder + "/" + $0 },
                                   height: sides.count == 2 ? sides[0] : nil, width: sides.count == 2 ? sides[1] : nil)
        }
    }
}

/// A benchmark that cannot go on, with the reason.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
