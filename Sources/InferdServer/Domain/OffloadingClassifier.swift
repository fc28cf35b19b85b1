import Core
import Foundation
import InferdClient
import InferdRuntime
import InferdWire
import Logging
import Synchronization

/// Classification with hybrid offload: per request, the ``OffloadPlanner`` picks this host or a
/// remote Open Inference Protocol server; a remote that fails or times out is answered for here, and
/// every answer says where it ran and why (``Placement``).
///
/// Mechanism only: the decision is the planner's (pure policy, behind a lock); this type gathers the
/// local situation from the lifecycle manager, calls the chosen side, and reports what each call
/// measured back to the planner so its estimates follow the host and the network.
///
/// Bad input costs nothing remote: the image header is read (and its declared size checked) before
/// any upload, so a non-image, a corrupt header or a decompression bomb is refused here.
public final class OffloadingClassifier: Sendable {
    /// Local classification (and the lifecycle manager).
    public let service: InferenceService
    /// The offload settings.
    public let configuration: OffloadConfiguration
    private let planner: Mutex<OffloadPlanner>
    private let classifiers: [String: RemoteClassifier]
    private let clock: @Sendable () -> Double
    private let logger: Logger

    /// - Parameters:
    ///   - tokens: bearer tokens by remote URL (read from each remote's `token_file` at start).
    ///   - clock: seconds on a monotonic clock (injected for tests).
    /// - Throws: ``ConfigurationError`` for a remote URL the client cannot use.
    public init(service: InferenceService, configuration: OffloadConfiguration, tokens: [String: String] = [:],
                clock: @escaping @Sendable () -> Double = OffloadingClassifier.monotonicSeconds, logger: Logger) throws(ConfigurationError) {
        self.service = service
        self.configuration = configuration
        var planner = OffloadPlanner(remotes: configuration.remotes, defaultMode: configuration.effectiveMode)
        planner.probeInterval = configuration.probeInterval
        self.planner = Mutex(planner)
        var classifiers: [String: RemoteClassifier] = [:]
        for remote in configuration.remotes {
            let endpoint: Endpoint
            do {
                endpoint = try Endpoint(parsing: remote.url)
            } catch {
                throw ConfigurationError(.invalidValue, "offload remote \(remote.url): \(error.message)")
            }
            let client = InferdClient(endpoint: endpoint, token: tokens[remote.url],
                                      timeout: .milliseconds(Int64(configuration.timeoutMilliseconds)))
            // `never`: the remote runs what it is sent, so two daemons offloading to each other cannot bounce it.
            classifiers[remote.url] = RemoteClassifier(client: client, protocol: remote.wireProtocol, catalog: service.catalog,
                                                       preprocessing: try PreprocessingSettings(remote: remote), remoteOffload: .never,
                                                       metadataMaxAge: configuration.metadataMaxAge,
                                                       onMetadataChange: Self.metadataChangeLog(remote: remote.url, logger: logger))
        }
        self.classifiers = classifiers
        self.clock = clock
        self.logger = logger
    }

    /// Seconds since an arbitrary origin, monotonic.
    public static func monotonicSeconds() -> Double { Stopwatch.monotonicSeconds() }

    /// Logs a remote model's changed metadata (it was redeployed): what changed, at notice level.
    static func metadataChangeLog(remote: String, logger: Logger) -> @Sendable (RemoteMetadataChange) -> Void {
        { change in
            logger.notice("the metadata of \(change.model) on \(remote) changed; preparing its tensors anew", metadata: [
                "event": "offload-metadata-changed", "model": "\(change.model)", "remote": "\(remote)",
                "change": "\(change.description)",
            ])
        }
    }

    /// Offloading as `/v1/status` reports it.
    public func status() -> OffloadStatus { planner.withLock { $0.status(now: clock()) } }

    /// Classifies `image` with `model` here or on a remote, per `mode` (default: the configured one).
    ///
    /// - Throws: ``InferdError``: the local errors of ``InferenceService/classify(model:image:top:)``;
    ///   and a remote inferd's verdict that the image itself is bad (400 bad image, 415 not an image),
    ///   since running here would fail the same way. Anything else a remote does — unreachable, too
    ///   slow, 5xx, a wrong token, a model it lacks, a smaller body limit, a tensor it refuses — is never
    ///   an error: the request runs here.
    public func classify(model name: String, image: [UInt8], top: Int?, mode: OffloadMode?) async throws(InferdError) -> ClassifyResponse {
        let watch = Stopwatch()
        let bundle: ModelBundle
        let top = top ?? service.limits.defaultTopK
        do throws(InferdError) {
            bundle = try service.bundle(name)
            guard (1...service.limits.maxTopK).contains(top) else {
                throw InferdError(.badRequest, "top must be between 1 and \(service.limits.maxTopK), not \(top)")
            }
            do throws(ImageError) {
                _ = try ImageHeader.read(image, options: DecodeOptions(maxPixels: service.limits.maxImagePixels))
            } catch {
                throw InferdError(error)
            }
        } catch {
            await service.manager.countError()
            throw error
        }
        let situation = await service.manager.localSituation(name) ?? LocalSituation(warm: false, fileBytes: bundle.fileBytes)
        let now = clock()
        let decision = planner.withLock { $0.decide(model: name, imageBytes: image.count, local: situation, mode: mode, now: now) }
        let modeName = (mode ?? configuration.effectiveMode).rawValue
        guard decision.side == .remote, let remote = decision.remote, let classifier = classifiers[remote.url] else {
            return try await classifyHere(name, image: image, top: top, fileBytes: bundle.fileBytes,
                                          placement: Placement(side: .local, mode: modeName, reason: decision.reason, predicted: decision.predicted))
        }
        do {
            let answer = try await classifier.classify(model: name, image: image, top: top)
            // The remote's time as it reported it, else as estimated from the round trip.
            let reported = answer.network.remoteTime?.milliseconds
            let remoteLoad = answer.inferd?.response.timings.load ?? 0
            planner.withLock {
                $0.recordRemote(remote: remote.url, model: name, imageBytes: image.count, timings: answer.network,
                                remoteServeMs: reported.map { max(0, $0 - remoteLoad) }, remoteLoadMs: remoteLoad,
                                clientMs: max(0, answer.endToEnd - answer.network.total))
            }
            return response(from: answer, model: name, imageBytes: image.count, total: watch.elapsedMilliseconds,
                            placement: Placement(side: .remote, mode: modeName, remote: remote.url, reason: decision.reason,
                                                 predicted: decision.predicted, network: answer.network,
                                                 wireProtocol: answer.protocolUsed.rawValue))
        } catch {
            if let refusal = Self.refusal(error) {
                await service.manager.countError()
                throw refusal
            }
            let reason = Self.describe(error)
            let scope = Self.concernsModelOnly(error) ? name : nil
            planner.withLock { $0.recordRemoteFailure(remote: remote.url, model: scope, error: reason, now: clock(), decidedAt: now) }
            logger.warning("offload to \(remote.url) failed; running \(name) here", metadata: [
                "event": "offload-fallback", "model": "\(name)", "remote": "\(remote.url)", "error": "\(reason)",
            ])
            return try await classifyHere(name, image: image, top: top, fileBytes: bundle.fileBytes,
                                          placement: Placement(side: .local, mode: modeName, remote: remote.url,
                                                               reason: "\(remote.url) failed, ran here instead (chosen because: \(decision.reason))",
                                                               fallback: true, remoteError: reason, predicted: decision.predicted),
                                          fallback: true)
        }
    }

    // MARK: Sides

    private func classifyHere(_ name: String, image: [UInt8], top: Int, fileBytes: Int64, placement: Placement,
                              fallback: Bool = false) async throws(InferdError) -> ClassifyResponse {
        var response = try await service.classify(model: name, image: image, top: top)
        let timings = response.timings
        planner.withLock {
            $0.recordLocal(model: name, imageBytes: image.count, serveMs: max(0, timings.total - timings.load - timings.queue),
                           loadMs: timings.load, fileBytes: fileBytes, fallback: fallback)
        }
        response.placement = placement
        return response
    }

    /// The local answer's shape for a remote result: the remote's steps where it reported them, the
    /// whole wall time here as `total`.
    private func response(from answer: RemoteClassification, model: String, imageBytes: Int, total: Double,
                          placement: Placement) -> ClassifyResponse {
        var timings = answer.inferd?.response.timings ?? StepTimings()
        if answer.inferd == nil {
            timings.decode = answer.clientDecode ?? 0
            timings.preprocess = answer.clientPreprocess ?? 0
        }
        timings.total = total
        let image = answer.inferd?.response.image
            ?? ClassifyResponse.ImageInfo(width: answer.originalWidth ?? 0, height: answer.originalHeight ?? 0, bytes: imageBytes,
                                          decodedWidth: answer.decodedWidth, decodedHeight: answer.decodedHeight)
        return ClassifyResponse(model: model, cold: answer.cold ?? false, labels: answer.labels, timings: timings, image: image,
                                precision: answer.inferd?.response.precision, placement: placement)
    }

    // MARK: Errors

    /// A remote inferd's verdict that the image itself is bad — 400 `badImage` or 415
    /// `unsupportedMediaType` in its error body — becomes the answer, with the same status: running
    /// here would fail the same way (the header check here passed, the body is corrupt). A 400 without
    /// that code (a tensor this host prepared, a `top` over the remote's limit, a non-inferd server)
    /// is the remote's problem, and so is every other failure.
    static func refusal(_ error: Error) -> InferdError? {
        if let error = error as? ImageError { return InferdError(error) }
        guard let error = error as? ClientError, error.code == .requestFailed,
              let code = error.body?.code, code == .badImage || code == .unsupportedMediaType else { return nil }
        return InferdError(code, "the remote refused the request: \(error.body?.error ?? error.message)")
    }

    /// True for a failure that concerns this model on that remote, not the remote as a whole: it lacks
    /// the model (404), refuses the request's size (413), or describes an input this host cannot build.
    static func concernsModelOnly(_ error: Error) -> Bool {
        if error is TensorPreparationError { return true }
        guard let error = error as? ClientError, error.code == .requestFailed, let status = error.status else { return false }
        return status == 404 || status == 413
    }

    static func describe(_ error: Error) -> String {
        (error as? ClientError)?.message ?? "\(error)"
    }
}
