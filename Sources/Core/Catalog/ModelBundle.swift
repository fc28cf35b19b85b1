import Foundation

/// A model on disk: a folder holding a model file, a `manifest.json` and usually a labels file.
public struct ModelBundle: Sendable, Equatable {
    /// The parsed manifest.
    public var manifest: ModelManifest
    /// Absolute path of the bundle folder.
    public var directory: String
    /// Absolute path of the model file.
    public var modelPath: String
    /// Size of the model file (plus an IR's `.bin`), used to estimate resident memory before a load.
    public var fileBytes: Int64
    /// Class labels, empty when the bundle has none.
    public var labels: [String]

    /// The name clients use.
    public var name: String { manifest.name }

    public init(manifest: ModelManifest, directory: String, modelPath: String, fileBytes: Int64, labels: [String]) {
        self.manifest = manifest
        self.directory = directory
        self.modelPath = modelPath
        self.fileBytes = fileBytes
        self.labels = labels
    }

    /// Reads and validates the bundle in `directory`.
    ///
    /// - Throws: ``CatalogError`` naming the bundle and the reason (missing or unreadable manifest,
    ///   missing model file, bad input size, normalisation with the wrong channel count, …).
    public static func load(from directory: String) throws(CatalogError) -> ModelBundle {
        let manifestPath = (directory as NSString).appendingPathComponent("manifest.json")
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw CatalogError(.missingManifest, bundle: directory, "no readable manifest.json")
        }
        let manifest: ModelManifest
        do {
            manifest = try JSONDecoder().decode(ModelManifest.self, from: data)
        } catch {
            throw CatalogError(.invalidManifest, bundle: directory, "manifest.json: \(Self.describe(error))")
        }
        try validate(manifest, in: directory)
        let modelPath = (directory as NSString).appendingPathComponent(manifest.file)
        var bytes = fileSize(modelPath)
        guard bytes > 0 else {
            throw CatalogError(.missingModelFile, bundle: directory, "model file \(manifest.file) is missing or empty")
        }
        if modelPath.hasSuffix(".xml") {
            bytes += fileSize((modelPath as NSString).deletingPathExtension + ".bin")
        }
        var labels: [String] = []
        if let labelsFile = manifest.labels {
            let path = (directory as NSString).appendingPathComponent(labelsFile)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CatalogError(.missingLabels, bundle: directory, "labels file \(labelsFile) is missing or not UTF-8")
            }
            labels = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if labels.last == "" { labels.removeLast() }
        }
        return ModelBundle(manifest: manifest, directory: directory, modelPath: modelPath, fileBytes: bytes, labels: labels)
    }

    static func validate(_ manifest: ModelManifest, in directory: String) throws(CatalogError) {
        func fail(_ reason: String) -> CatalogError { CatalogError(.invalidManifest, bundle: directory, reason) }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !manifest.name.isEmpty, manifest.name.allSatisfy(allowed.contains), !manifest.name.hasPrefix(".") else {
            throw fail("name \"\(manifest.name)\" must be letters, digits, '-', '_' or '.'")
        }
        guard !manifest.file.contains(".."), !manifest.file.hasPrefix("/") else {
            throw fail("file must be a path inside the bundle")
        }
        let input = manifest.input
        guard (1...8192).contains(input.width), (1...8192).contains(input.height) else {
            throw fail("input size \(input.width)x\(input.height) is out of range 1...8192")
        }
        guard ["NCHW", "NHWC"].contains(input.layout) else { throw fail("layout must be NCHW or NHWC") }
        guard ["RGB", "BGR"].contains(input.color) else { throw fail("color must be RGB or BGR") }
        guard manifest.normalize.mean.count == 3, manifest.normalize.scale.count == 3 else {
            throw fail("normalize.mean and normalize.scale need 3 values (one a channel)")
        }
        guard manifest.normalize.scale.allSatisfy({ $0 != 0 && $0.isFinite }) else {
            throw fail("normalize.scale values must be finite and non-zero")
        }
        if manifest.resize.mode == .crop {
            guard let shortSide = manifest.resize.shortSide, shortSide >= min(input.width, input.height) else {
                throw fail("resize.short_side must be at least the input's short side in crop mode")
            }
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context): "not valid JSON (\(context.debugDescription))"
        default: "\(error)"
        }
    }
}

func fileSize(_ path: String) -> Int64 {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
}
