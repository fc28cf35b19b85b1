import ArgumentParser
import Core
import Foundation
import InferdClient
import InferdRuntime
import InferdWire

extension EngineOptions.Precision: ExpressibleByArgument {}
extension OffloadMode: ExpressibleByArgument {}
extension RemoteProtocol: ExpressibleByArgument {}

/// `inferctl classify`: classify images through the daemon (or in process) and show where the time went.
struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify images and show the time of every step, cold versus warm.",
        discussion: """
        Sends each IMAGE (JPEG or PNG) to the daemon and prints the top-K labels and the breakdown in \
        milliseconds: queue, load, decode, preprocess, compute, postprocess and the server's total (as \
        the daemon measured them), then transfer (end-to-end minus the server's total: upload, answer, \
        scheduling) and end-to-end (as inferctl measured it).

        --repeat N sends each image N times. A row is marked cold when that request paid a model load, \
        as the daemon said; a summary puts the cold and warm figures side by side (warm: the mean of \
        the warm rows).

        --resize client decodes the image here with DCT scaling to the smallest size the model needs and \
        sends it re-encoded as JPEG (quality 90); the breakdown adds client_resize and the bytes sent. \
        --resize server (the default) sends the original. The model's manifest is read from \
        --models-dir (default $INFERD_MODELS, else ./models).

        --remote http://HOST:PORT (or $INFERD_REMOTE) classifies on a server over TCP. The breakdown \
        then shows the network: connect, upload, server (from the last byte sent to the first byte \
        received), remote (what the server reported spending) and network (server minus remote: \
        latency and queueing), download and end-to-end. With --remote-protocol auto (the default) \
        inferctl uses inferd's classify route, and if the server has none (a Triton, KServe or \
        OpenVINO Model Server), decodes and preprocesses the image here from the model's /v2 \
        metadata and sends a tensor (protocol oip; the breakdown adds the local decode and \
        preprocess). --remote-protocol inferd|oip forces one; oip also works on the local socket. \
        Labels of an OIP answer come from the local bundle (--models-dir) when it has the model, else \
        "class N". On OIP the tensor's layout, size and type come from the server's metadata; its \
        normalisation and centre crop from --input-normalize / --input-crop-short-side, else the \
        metadata's parameters (normalize, crop_short_side), else the local bundle; an FP32 input that \
        none of them describes is refused rather than guessed. The "remote" figure is the server's \
        own time as it reported it (inferd's timings, a total_ms parameter, or a Server-Timing \
        header), else an estimate (the wait minus the TCP connect's round trip); a note says which. \
        When the daemon offloaded a request, its placement (where it ran and why) is shown, and the \
        steps it could not see (queue, load, compute on the remote) show as "-".

        --in-process loads the model in this process, with no daemon: every invocation is a cold \
        start, the baseline the daemon is compared with. The breakdown adds the runtime start and the \
        model's read and compile times. --precision and --threads apply to this mode only (the daemon's \
        are set when it starts).

        --json prints one JSON array with an object per request, every key always present.
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Option(name: [.short, .long], help: "The model to classify with.")
    var model = "efficientnet-lite0"

    @Option(name: .long, help: "How many classes to show, best first (1...1000).")
    var top = 5

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Send each image this many times (1...10000).", valueName: "n"))
    var repetitions = 1

    @Option(name: .long, help: ArgumentHelp("Who downscales the image: client or server.", valueName: "client|server"))
    var resize: ResizeMode = .server

    @Option(name: .customLong("remote-protocol"), help: ArgumentHelp(
        "How to classify on the server: auto (inferd's classify route, else Open Inference tensors), inferd, or oip.",
        valueName: RemoteProtocol.allCases.map(\.rawValue).joined(separator: "|")))
    var remoteProtocol: RemoteProtocol = .auto

    @Option(name: .long, help: ArgumentHelp(
        "Where a daemon with offload remotes runs this request: never (here), always (a remote), when-cold, or auto (the faster predicted side). The answer says where it ran and why.",
        valueName: OffloadMode.allCases.map(\.rawValue).joined(separator: "|")))
    var offload: OffloadMode?

    @Option(name: .customLong("input-normalize"), help: ArgumentHelp(
        "On OIP: how to normalise an FP32 input whose server metadata does not say: unit, imagenet, none, or MEAN/SCALE in 0...255 units (e.g. 127.5/127.5). Overrides the metadata and the local bundle.",
        valueName: "n"))
    var inputNormalize: String?

    @Option(name: .customLong("input-crop-short-side"), help: ArgumentHelp(
        "On OIP: scale the short side to this, then centre-crop the input size (0: no crop). Overrides the metadata and the local bundle.",
        valueName: "px"))
    var inputCropShortSide: Int?

    @Flag(name: .customLong("in-process"), help: "Classify in this process, without the daemon (a cold start every invocation).")
    var inProcess = false

    @Option(name: .customLong("models-dir"), help: ArgumentHelp("Model bundles, for --in-process and --resize client.", valueName: "dir"))
    var modelsDirectory: String?

    @Option(name: .long, help: ArgumentHelp("Inference precision with --in-process.", valueName: EngineOptions.Precision.allCases.map(\.rawValue).joined(separator: "|")))
    var precision: EngineOptions.Precision?

    @Option(name: .long, help: ArgumentHelp("Inference threads with --in-process (0: all cores).", valueName: "n"))
    var threads: Int?

    @Argument(help: ArgumentHelp("Images to classify (JPEG or PNG).", valueName: "image"))
    var images: [String] = []

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one IMAGE to classify") }
        try ModelName.validate(model)
        guard (1...1000).contains(top) else { throw ValidationError("--top must be 1...1000, not \(top)") }
        guard (1...10_000).contains(repetitions) else { throw ValidationError("--repeat must be 1...10000, not \(repetitions)") }
        if !inProcess {
            if precision != nil { throw ValidationError("--precision applies to --in-process; the daemon's precision is set when it starts") }
            if threads != nil { throw ValidationError("--threads applies to --in-process; the daemon's threads are set when it starts") }
        }
        if let threads, threads < 0 { throw ValidationError("--threads must be 0 (all cores) or more, not \(threads)") }
        for image in images {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: image, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw ValidationError("no image file at \(image)")
            }
            guard FileManager.default.isReadableFile(atPath: image) else { throw ValidationError("cannot read \(image)") }
        }
        if inProcess, connection.remoteEndpoint != nil {
            throw ValidationError("--in-process classifies here; it cannot be combined with --remote")
        }
        if offload != nil, inProcess || usesRemoteClassifier {
            throw ValidationError("--offload asks the local daemon to decide where to run; it cannot be combined with --in-process, --remote or --remote-protocol")
        }
        if inputNormalize != nil || inputCropShortSide != nil {
            guard usesRemoteClassifier else {
                throw ValidationError("--input-normalize and --input-crop-short-side say how to prepare a tensor for a server's Open Inference endpoint; use them with --remote or --remote-protocol oip")
            }
            _ = try preprocessingSettings()
        }
        if inProcess, remoteProtocol != .auto {
            throw ValidationError("--remote-protocol applies to a server, not to --in-process")
        }
        if inProcess {
            _ = try ModelDirectory.bundle(named: model, in: ModelDirectory.resolve(modelsDirectory), why: "--in-process")
        } else if resize == .client, !usesRemoteClassifier {
            _ = try ModelDirectory.bundle(named: model, in: ModelDirectory.resolve(modelsDirectory), why: "--resize client")
        }
    }

    /// `--input-normalize` and `--input-crop-short-side`, checked.
    private func preprocessingSettings() throws -> PreprocessingSettings {
        var settings = PreprocessingSettings()
        if let inputNormalize {
            guard let normalization = TensorNormalization(named: inputNormalize) else {
                throw ValidationError("--input-normalize must be \(TensorNormalization.spellings), not \(inputNormalize)")
            }
            settings.normalization = normalization
        }
        if let inputCropShortSide {
            guard (0...(1 << 15)).contains(inputCropShortSide) else {
                throw ValidationError("--input-crop-short-side must be 0 (no crop) to 32768, not \(inputCropShortSide)")
            }
            settings.cropShortSide = inputCropShortSide
        }
        return settings
    }

    /// True when classification goes through ``RemoteClassifier``: a remote, or a protocol forced.
    private var usesRemoteClassifier: Bool {
        !inProcess && (connection.remoteEndpoint != nil || remoteProtocol != .auto)
    }

    func run() async throws {
        let mode: ClassifyRecord.Mode = inProcess ? .inProcess : usesRemoteClassifier ? .remote : .daemon
        let printer = ClassifyPrinter(mode: mode, resize: resize, showText: !output.json)
        var minimumSize: (width: Int, height: Int)?
        var local: InProcessClassifier?
        var remote: RemoteClassifier?
        if usesRemoteClassifier {
            // Labels, crop and normalisation of models known here; the remote does without them.
            let catalog = try? ModelCatalog.scan(ModelDirectory.resolve(modelsDirectory))
            remote = RemoteClassifier(client: connection.client(), protocol: remoteProtocol, catalog: catalog,
                                      preprocessing: try preprocessingSettings(), resize: resize == .client ? .client : .server)
        } else if inProcess || resize == .client {
            let bundle = try ModelDirectory.bundle(named: model, in: ModelDirectory.resolve(modelsDirectory),
                                                   why: inProcess ? "--in-process" : "--resize client")
            minimumSize = InputGeometry(manifest: bundle.manifest).minimumDecodeSize
            if inProcess {
                local = InProcessClassifier(bundle: bundle, options: EngineOptions(threads: threads ?? 0, precision: precision ?? .auto))
            }
        }
        let client = connection.client()
        var records: [ClassifyRecord] = []
        var failures = 0

        for path in images {
            guard let data = FileManager.default.contents(atPath: path) else {
                printError("inferctl: cannot read \(path)")
                failures += 1
                continue
            }
            let original = [UInt8](data)
            var imageRecords: [ClassifyRecord] = []
            do {
                for run in 1...repetitions {
                    var body = original
                    var resizeMs: Double?
                    var originalSize: (width: Int, height: Int)?
                    if let remote {
                        imageRecords.append(try await classifyRemotely(remote, path: path, run: run, original: original))
                        continue
                    }
                    if resize == .client, let minimumSize {
                        let resized = try ClientResizer.resize(original, minimumSize: minimumSize)
                        body = resized.bytes
                        resizeMs = resized.milliseconds
                        originalSize = (resized.originalWidth, resized.originalHeight)
                    }
                    if let local {
                        imageRecords.append(try classifyInProcess(local, path: path, run: run, original: original,
                                                                  originalSize: originalSize, body: body, resizeMs: resizeMs))
                    } else {
                        imageRecords.append(try await classifyThroughDaemon(client, path: path, run: run, original: original,
                                                                            originalSize: originalSize, body: body, resizeMs: resizeMs))
                    }
                }
            } catch let error as ClientError where error.code != .requestFailed {
                // The daemon is gone or talks nonsense: nothing more can succeed.
                printer.printImage(path: path, records: imageRecords, labelsFrom: imageRecords.first)
                throw error
            } catch {
                printer.printImage(path: path, records: imageRecords, labelsFrom: imageRecords.first)
                printError("inferctl: \(path): \((error as? ClientError)?.message ?? String(describing: error))")
                failures += 1
                records += imageRecords
                continue
            }
            printer.printImage(path: path, records: imageRecords, labelsFrom: imageRecords.first)
            records += imageRecords
        }

        if output.json {
            try output.printJSON(records)
        } else {
            printer.printSummary(records)
        }
        if failures > 0 { throw ExitCode(ExitStatus.requestFailed.rawValue) }
    }

    private func classifyThroughDaemon(_ client: InferdClient, path: String, run: Int, original: [UInt8],
                                       originalSize: (width: Int, height: Int)?, body: [UInt8], resizeMs: Double?) async throws -> ClassifyRecord {
        let result = try await client.classify(model: model, image: body, top: top, offload: offload)
        let answer = result.response
        return ClassifyRecord(image: path, run: run, mode: .daemon, resize: resize, model: answer.model, cold: answer.cold,
                              precision: answer.precision, labels: answer.labels,
                              width: originalSize?.width ?? answer.image.width, height: originalSize?.height ?? answer.image.height,
                              decodedWidth: answer.image.decodedWidth, decodedHeight: answer.image.decodedHeight,
                              bytes: original.count, bytesSent: body.count,
                              timings: ClassifyRecord.Timings(daemon: result, clientResize: resizeMs),
                              placement: answer.placement)
    }

    private func classifyRemotely(_ remote: RemoteClassifier, path: String, run: Int, original: [UInt8]) async throws -> ClassifyRecord {
        let result = try await remote.classify(model: model, image: original, top: top)
        return ClassifyRecord(image: path, run: run, mode: .remote, resize: resize, model: result.model, cold: result.cold ?? false,
                              precision: result.inferd?.response.precision, labels: result.labels,
                              width: result.originalWidth ?? 0, height: result.originalHeight ?? 0,
                              decodedWidth: result.decodedWidth, decodedHeight: result.decodedHeight,
                              bytes: original.count, bytesSent: result.payloadBytes,
                              timings: ClassifyRecord.Timings(remote: result),
                              remote: ClassifyRecord.Remote(endpoint: remote.client.endpoint.description, protocol: result.protocolUsed,
                                                            timings: result.network, tensorShape: result.tensorShape,
                                                            softmaxApplied: result.softmaxApplied, preprocessing: result.preprocessing?.summary),
                              placement: result.placement)
    }

    private func classifyInProcess(_ local: InProcessClassifier, path: String, run: Int, original: [UInt8],
                                   originalSize: (width: Int, height: Int)?, body: [UInt8], resizeMs: Double?) throws -> ClassifyRecord {
        var result = try local.classify(body, top: top)
        result.timings.clientResize = resizeMs
        result.timings.endToEnd += resizeMs ?? 0
        return ClassifyRecord(image: path, run: run, mode: .inProcess, resize: resize, model: model, cold: result.cold,
                              precision: result.precision, labels: result.labels,
                              width: originalSize?.width ?? result.originalWidth, height: originalSize?.height ?? result.originalHeight,
                              decodedWidth: result.decodedWidth, decodedHeight: result.decodedHeight,
                              bytes: original.count, bytesSent: body.count, timings: result.timings)
    }
}
