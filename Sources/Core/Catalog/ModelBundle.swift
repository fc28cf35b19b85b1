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
            let reason = FileManager.default.fileExists(atPath: manifestPath) ? "manifest.json is not readable" : withoutManifest(directory)
            throw CatalogError(.missingManifest, bundle: directory, reason)
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

    /// The extensions of the model files OpenVINO reads.
    public static let modelFileExtensions: Set<String> = ["onnx", "xml", "tflite"]

    /// Why a folder without `manifest.json` is not a bundle. A model file alone is refused, not
    /// guessed at: its input size and layout are in the file, but its labels, normalisation and crop
    /// are not, and a wrong guess answers confidently wrong. The reason names the one command that
    /// reads the file and writes the manifest with stated defaults, in place.
    static func withoutManifest(_ directory: String) -> String {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { modelFileExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted { a, b in (a.hasPrefix("model.") ? 0 : 1, a) < (b.hasPrefix("model.") ? 0 : 1, b) }
        guard let file = files.first else {
            return "no manifest.json and no model file (.onnx, .xml, .tflite): not a model bundle"
        }
        let name = (directory as NSString).lastPathComponent
        let parent = (directory as NSString).deletingLastPathComponent
        return "\(file) has no manifest.json beside it, and inferd does not guess what a model file cannot say "
            + "(labels, mean/scale, crop); make it a bundle in one step with "
            + "`inferctl models add \((directory as NSString).appendingPathComponent(file)) --name \(name) --models \(parent)` "
            + "(input read from the file; add --labels FILE, --mean R,G,B --scale R,G,B when not ImageNet's), then `inferctl reload`"
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
