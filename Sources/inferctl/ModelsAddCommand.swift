import ArgumentParser
import Core
import Foundation
import InferdRuntime
import InferdWire

/// `inferctl models add PATH`: turns a plain model file into a bundle in one step. What the file says
/// (input size, layout, element type) is read from it with OpenVINO; what it cannot say (labels,
/// normalisation, how to fit an image to the input) comes from flags with stated defaults. The new
/// bundle is loaded once before the command says it is done.
struct ModelsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a model file (ONNX, OpenVINO IR, TFLite) as a bundle, reading its input from the file.",
        discussion: """
        Writes DIR/NAME/ (model file, manifest.json, labels.txt) and loads it once with OpenVINO to check it; \
        a model file already in DIR/NAME/ (a folder the daemon skips for want of a manifest) stays where \
        it is and gets its manifest.json beside it. \
        Read from the model: input width, height, layout (NCHW or NHWC) and element type. Asked, with \
        defaults: --labels (none: classes are shown as "class N"), --mean/--scale (ImageNet: mean \
        123.675,116.28,103.53, scale 58.395,57.12,57.375, i.e. (pixel - mean) / scale on 0-255 RGB), \
        --resize (crop: short side to input x 256/224, centre crop; or squash), --color (RGB), --output \
        (logits: inferd applies softmax; or probabilities). A running daemon sees the new bundle after \
        `inferctl reload` (or SIGHUP); for the system service, add into its models directory \
        (/var/lib/inferd/models) as root.
        """
    )

    @Argument(help: ArgumentHelp("The model file.", valueName: "path"))
    var path: String

    @Option(help: ArgumentHelp("Bundle name (default: the file name without extension).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Labels file, one class a line (line i is class i).", valueName: "file"))
    var labels: String?

    @Option(help: ArgumentHelp("Per-channel mean subtracted from 0-255 pixels (default ImageNet's).", valueName: "r,g,b"))
    var mean = "123.675,116.28,103.53"

    @Option(help: ArgumentHelp("Per-channel divisor after the mean (default ImageNet's).", valueName: "r,g,b"))
    var scale = "58.395,57.12,57.375"

    @Option(help: ArgumentHelp("How an image fits the input: crop (short side, then centre) or squash.", valueName: "crop|squash"))
    var resize = "crop"

    @Option(help: ArgumentHelp("Channel order the network was trained with.", valueName: "RGB|BGR"))
    var color = "RGB"

    @Option(help: ArgumentHelp("What the network outputs.", valueName: "logits|probabilities"))
    var output = "logits"

    @Option(name: .customLong("models"), help: ArgumentHelp("Where to add it (default $INFERD_MODELS, else ./models, else /var/lib/inferd/models).", valueName: "dir"))
    var models: String?

    @Flag(help: "Replace a bundle of the same name.")
    var force = false

    func validate() throws {
        guard ModelManifest.Resize.Mode(rawValue: resize) != nil else { throw ValidationError("--resize must be crop or squash, not \(resize)") }
        guard ["RGB", "BGR"].contains(color) else { throw ValidationError("--color must be RGB or BGR, not \(color)") }
        guard ModelManifest.OutputKind(rawValue: output) != nil else { throw ValidationError("--output must be logits or probabilities, not \(output)") }
        _ = try Self.triple(mean, "--mean")
        let divisors = try Self.triple(scale, "--scale")
        guard divisors.allSatisfy({ $0 != 0 }) else { throw ValidationError("--scale values must be non-zero") }
        if let name { try ModelName.validate(name) }
    }

    /// Three comma-separated numbers.
    static func triple(_ text: String, _ flag: String) throws -> [Float] {
        let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        let numbers = values.compactMap { $0 }
        guard values.count == 3, numbers.count == 3, numbers.allSatisfy(\.isFinite) else {
            throw ValidationError("\(flag) takes three numbers, one a channel (r,g,b), not \"\(text)\"")
        }
        return numbers
    }

    func run() async throws {
        guard FileManager.default.isReadableFile(atPath: path) else { throw UnreadableInput("cannot read the model file \(path)") }
        let fileExtension = (path as NSString).pathExtension.lowercased()
        let bundleName = name ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        try ModelName.validate(bundleName)
        let input = try Self.readInput(path)
        let directory = ModelDirectory.resolve(models)
        let bundlePath = (directory as NSString).appendingPathComponent(bundleName)
        // A model file already in its folder under the models directory (what the daemon reports for a
        // folder without a manifest) becomes a bundle where it is: the manifest is written beside it.
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().resolvingSymlinksInPath().path
        let inPlace = folder == Self.realPath(bundlePath)
        let manifestPath = bundlePath + "/manifest.json"
        if inPlace {
            if FileManager.default.fileExists(atPath: manifestPath) {
                guard force else { throw UnreadableInput("\(bundlePath) is already a bundle (it has a manifest.json): --force to write a new one") }
            }
        } else if FileManager.default.fileExists(atPath: bundlePath) {
            guard force else { throw UnreadableInput("\(bundlePath) already exists: choose another --name, or --force to replace it") }
            try FileManager.default.removeItem(atPath: bundlePath)
        }
        try FileManager.default.createDirectory(atPath: bundlePath, withIntermediateDirectories: true)
        var written: [String] = []
        do {
            let file: String
            if inPlace {
                file = (path as NSString).lastPathComponent
            } else {
                file = "model." + (fileExtension.isEmpty ? "onnx" : fileExtension)
                try FileManager.default.copyItem(atPath: path, toPath: bundlePath + "/" + file)
                if fileExtension == "xml" {
                    try FileManager.default.copyItem(atPath: (path as NSString).deletingPathExtension + ".bin", toPath: bundlePath + "/model.bin")
                }
            }
            if let labels {
                guard FileManager.default.isReadableFile(atPath: labels) else { throw UnreadableInput("cannot read the labels file \(labels)") }
                if Self.realPath(labels) != Self.realPath(bundlePath + "/labels.txt") {
                    if inPlace, FileManager.default.fileExists(atPath: bundlePath + "/labels.txt") {
                        try FileManager.default.removeItem(atPath: bundlePath + "/labels.txt")
                    }
                    try FileManager.default.copyItem(atPath: labels, toPath: bundlePath + "/labels.txt")
                    written.append(bundlePath + "/labels.txt")
                }
            }
            let mode = ModelManifest.Resize.Mode(rawValue: resize)!
            let shortSide = mode == .crop ? Int((Double(min(input.width, input.height)) * 256 / 224).rounded()) : nil
            let manifest = ModelManifest(
                name: bundleName, file: file,
                description: "added by inferctl models add from \((path as NSString).lastPathComponent) (input \(input.datatype) \(input.shape))",
                input: .init(width: input.width, height: input.height, layout: input.layout, color: color),
                normalize: .init(mean: try Self.triple(mean, "--mean"), scale: try Self.triple(scale, "--scale")),
                resize: .init(mode: mode, shortSide: shortSide), output: ModelManifest.OutputKind(rawValue: output)!,
                labels: labels == nil ? nil : "labels.txt", syntheticWeights: false, parameters: nil)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: manifestPath))
            written.append(manifestPath)

            let bundle = try ModelBundle.load(from: bundlePath)
            let engine = try Engine()
            let (_, loadMs) = try Stopwatch.time { try ModelLoader(engine: engine, options: EngineOptions()).load(bundle, warmUp: true) }
            print("\(inPlace ? "made \(bundlePath) a bundle:" : "added \(bundleName) in \(directory):") input \(input.width)x\(input.height) \(input.layout) \(input.datatype) (read from the model); "
                  + "mean \(mean), scale \(scale), \(mode == .crop ? "crop (short side \(shortSide!))" : "squash"), \(color), \(output)"
                  + "\(labels == nil ? ", no labels" : ""); loads in \(HumanFormat.milliseconds(loadMs)) ms")
            print("a running daemon with this models directory picks it up on `inferctl reload`")
        } catch {
            // Leave nothing half-written; in place, the model file (and the folder) stay as they were.
            for item in inPlace ? written : [bundlePath] { try? FileManager.default.removeItem(atPath: item) }
            if error is UnreadableInput { throw error }
            throw UnreadableInput("\(path) cannot be added as a model: \(error)")
        }
    }

    /// `path` absolute, with `.`, `..` and symbolic links resolved, to tell whether two paths are one.
    static func realPath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The network's image input as the file declares it.
    struct InputGeometry {
        var width: Int
        var height: Int
        var layout: String
        var datatype: String
        var shape: [Int64]
    }

    static func readInput(_ path: String) throws -> InputGeometry {
        let description: TensorDescription
        do {
            let graph = try Engine().readModel(at: path)
            guard graph.inputCount >= 1 else { throw UnreadableInput("\(path) has no inputs") }
            description = try graph.input(0)
        } catch let error as UnreadableInput {
            throw error
        } catch {
            throw UnreadableInput("OpenVINO cannot read \(path) as a model: \(error)")
        }
        let shape = description.shape
        guard shape.count == 4 else {
            throw UnreadableInput("\(path): input \(description.name) has shape \(shape); an image classifier takes [1,3,H,W] or [1,H,W,3]")
        }
        let (layout, height, width): (String, Int64, Int64) = shape[1] == 3 ? ("NCHW", shape[2], shape[3])
            : shape[3] == 3 ? ("NHWC", shape[1], shape[2]) : ("?", -1, -1)
        guard layout != "?", width > 0, height > 0 else {
            throw UnreadableInput("\(path): cannot tell the image size and layout from input shape \(shape) (dynamic or not 3 channels); write its manifest.json by hand (docs/MODELS.md)")
        }
        return InputGeometry(width: Int(width), height: Int(height), layout: layout, datatype: description.datatype, shape: shape)
    }
}
