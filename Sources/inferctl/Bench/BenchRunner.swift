import Core
import Foundation
import InferdClient
import InferdRuntime
import InferdStudy

/// Runs the cells of a benchmark — every model × group × mode × resize choice — and measures each.
///
/// Cells run one after another in that order, so for each model the cold cell comes before the warm
/// one. Cold and warm cells need the running daemon (``client``); in-process and daemon-cold-start
/// cells start their own processes (``ChildProcess``).
final class BenchRunner {
    let settings: BenchSettings
    /// The running daemon, when cold or warm cells are asked for.
    let client: InferdClient?
    /// Its process id, from `/v1/status`.
    let daemonPID: Int32?
    /// The remote server for cloud cells (`--cloud`).
    let cloud: InferdClient?
    /// The remote's process id when it runs on this host (a loopback address), for its resources.
    let cloudPID: Int32?
    let progress: ProgressBar
    let energy = EnergyMeter()
    /// Resident bytes per model as the daemon measured them while warm (for the simulator profile).
    private(set) var measuredBytes: [String: Int64] = [:]
    private var bundles: [String: ModelBundle] = [:]
    private var images: [String: [UInt8]] = [:]

    init(settings: BenchSettings, client: InferdClient?, daemonPID: Int32?, cloud: InferdClient? = nil, cloudPID: Int32? = nil,
         progress: ProgressBar) {
        self.settings = settings
        self.client = client
        self.daemonPID = daemonPID
        self.cloud = cloud
        self.cloudPID = cloudPID
        self.progress = progress
    }

    /// Every cell, measured.
    ///
    /// - Throws: ``ClientError`` when the daemon fails a request, ``BenchError`` when a child process or
    ///   a fresh daemon fails, ``ImageError`` for an image the client cannot downscale.
    func run() async throws -> [BenchCell] {
        var cells: [BenchCell] = []
        for model in settings.models {
            for group in settings.groups {
                for mode in settings.modes {
                    for resize in settings.resizes {
                        progress.show("\(model) \(mode.rawValue) \(group.name) resize=\(resize.rawValue)")
                        cells.append(try await cell(model: model, group: group, mode: mode, resize: resize))
                    }
                }
            }
        }
        progress.finish()
        return cells
    }

    func cell(model: String, group: BenchImageGroup, mode: BenchMode, resize: ResizeMode) async throws -> BenchCell {
        let label = "\(model) \(mode.rawValue) \(group.name) resize=\(resize.rawValue)"
        var notes: [String] = []
        var samples: [BenchSample] = []
        var resources: CellResources
        var startups: [Double] = []
        var precision: String?
        switch mode {
        case .cold, .warm:
            guard let client, let daemonPID else { throw BenchError("\(mode.rawValue) cells need the daemon (--socket)") }
            if mode == .warm {
                _ = try await client.load(model)
                for _ in 0..<settings.warmup {
                    for path in group.paths { _ = try await classify(client, model: model, path: path, resize: resize) }
                }
            } else {
                notes.append("the model is unloaded through the API before every request; the unload is inside the cell's wall time")
            }
            let meter = CellMeter(pid: daemonPID, energy: energy)
            for _ in 0..<settings.repetitions {
                for path in group.paths {
                    if mode == .cold { _ = try await client.unload(model) }
                    let (sample, answerPrecision) = try await classify(client, model: model, path: path, resize: resize)
                    precision = answerPrecision ?? precision
                    samples.append(sample)
                    progress.advance(label: label)
                }
            }
            resources = meter.finish()
            if mode == .warm, let summary = try? await client.model(model), !summary.bytesEstimated {
                measuredBytes[model] = summary.bytes
            }
        case .cloud:
            guard let cloud else { throw BenchError("cloud cells need a remote server (--cloud URL)") }
            // At least one pass first, so the remote pays its own cold start outside the cell.
            for _ in 0..<max(1, settings.warmup) {
                for path in group.paths { _ = try await classify(cloud, model: model, path: path, resize: resize) }
            }
            let meter = cloudPID.map { CellMeter(pid: $0, energy: energy, measured: "cloud daemon (on this host)") }
            for _ in 0..<settings.repetitions {
                for path in group.paths {
                    let (sample, answerPrecision) = try await classify(cloud, model: model, path: path, resize: resize)
                    precision = answerPrecision ?? precision
                    samples.append(sample)
                    progress.advance(label: label)
                }
            }
            resources = meter?.finish() ?? CellResources.unmeasured("the remote server (not on this host)")
            notes.append("classified by \(cloud.endpoint), warm there; upload is the network: end to end minus the remote's own time")
        case .inProcess:
            let run = try InProcessCell(settings: settings, energy: energy)
            for _ in 0..<settings.repetitions {
                for path in group.paths {
                    samples.append(try run.classify(model: model, path: path, resize: resize))
                    progress.advance(label: label)
                }
            }
            precision = run.precision
            resources = run.finish()
            notes.append("each request is a fresh inferctl process: total is spawn to exit; startup is that minus the child's own end-to-end")
        case .daemonColdStart:
            let run = FreshDaemonCell(settings: settings, energy: energy)
            for repetition in 0..<settings.repetitions {
                let path = group.paths[repetition % group.paths.count]
                let (sample, startup, answerPrecision) = try await run.classify(model: model, image: try image(path),
                                                                                 resize: resize, bundle: try bundle(model))
                samples.append(sample)
                if let startup { startups.append(startup) }
                precision = answerPrecision ?? precision
                progress.advance(label: label)
            }
            resources = run.finish()
            notes.append("one fresh inferd per request (images in turn); total is process start to the first answer, startup is that minus the request's own round trip")
        }
        let clientResizes = samples.compactMap(\.clientResize)
        return BenchCell(model: model, group: group.name, mode: mode, resize: resize.rawValue, width: group.width, height: group.height,
                         samples: samples.count, coldAnswers: samples.filter(\.cold).count,
                         meanBytesSent: samples.isEmpty ? 0 : Double(samples.reduce(0) { $0 + $1.bytesSent }) / Double(samples.count),
                         columns: BenchColumns(samples),
                         clientResize: clientResizes.isEmpty ? nil : LatencyHistogram(clientResizes).summary,
                         resources: resources,
                         daemonStartup: startups.isEmpty ? nil : LatencyHistogram(startups).summary,
                         precision: precision, notes: notes)
    }

    /// One request through the daemon, downscaling first when `resize` is `.client`.
    private func classify(_ client: InferdClient, model: String, path: String, resize: ResizeMode) async throws -> (BenchSample, String?) {
        let original = try image(path)
        var body = original
        var resizeMs: Double?
        if resize == .client {
            let resized = try ClientResizer.resize(original, minimumSize: InputGeometry(manifest: try bundle(model).manifest).minimumDecodeSize)
            body = resized.bytes
            resizeMs = resized.milliseconds
        }
        let result = try await client.classify(model: model, image: body, top: settings.top)
        return (BenchSample(daemon: result, clientResize: resizeMs), result.response.precision)
    }

    private func image(_ path: String) throws -> [UInt8] {
        if let bytes = images[path] { return bytes }
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read image \(path)") }
        images[path] = [UInt8](data)
        return images[path]!
    }

    private func bundle(_ model: String) throws -> ModelBundle {
        if let bundle = bundles[model] { return bundle }
        let bundle = try ModelDirectory.bundle(named: model, in: settings.modelsDirectory, why: "bench")
        bundles[model] = bundle
        return bundle
    }
}
