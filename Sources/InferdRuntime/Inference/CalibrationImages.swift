import Foundation
import Logging

/// The photos `precision auto` compares precisions on: the JPEG and PNG files of a directory (the
/// first ``limit`` by name), decoded once at start-up.
public enum CalibrationImages {
    /// Photos read at most (each costs an inference per precision and round on a first load).
    public static let limit = 8

    /// Decodes the photos in `directory`; none (and a logged warning) when it is unset or unreadable.
    public static func read(_ directory: String?, logger: Logger) -> [PixelBuffer] {
        guard let directory else { return [] }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            logger.warning("calibration photos: cannot read \(directory); precision auto measures on synthetic patterns")
            return []
        }
        let photos = names.filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        return photos.prefix(limit).compactMap { name in
            guard let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(name)) else { return nil }
            return try? ImageDecoder.decode([UInt8](data), options: DecodeOptions(minimumSize: (256, 256))).pixels
        }
    }
}
