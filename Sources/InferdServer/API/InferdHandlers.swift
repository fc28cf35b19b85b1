import Core
import InferdWire
import NIOHTTP1

/// Handlers of inferd's own API (`/v1`): classify an encoded image, list and manage models, status.
struct InferdHandlers: Sendable {
    let service: InferenceService
    /// Hybrid offload, when remotes are configured.
    let offloader: OffloadingClassifier?

    /// `POST /v1/models/{name}/classify?top=K`: the body is the encoded image. The format is recognised
    /// from the bytes, so any `Content-Type` (`image/jpeg`, `image/png`, `application/octet-stream`, or
    /// curl's default) works. `offload=never|always|when-cold|auto` overrides the configured offload
    /// mode for this request (only on a daemon with remotes configured).
    func classify(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        var top: Int?
        if let text = request.query["top"] {
            guard let value = Int(text) else { throw InferdError(.badRequest, "top must be an integer, not \"\(text)\"") }
            top = value
        }
        var mode: OffloadMode?
        if let text = request.query["offload"] {
            do {
                mode = try OffloadMode.parse(text)
            } catch {
                throw InferdError(.badRequest, "offload: \(error.message)")
            }
        }
        let name = request.parameter("name")
        guard let offloader else {
            if let mode, mode != .never {
                throw InferdError(.badRequest, "offload=\(mode.rawValue) asked, but this daemon has no remotes to offload to (configure [offload] remotes or --offload-remote)")
            }
            return .json(try await service.classify(model: name, image: request.bodyBytes, top: top))
        }
        return .json(try await offloader.classify(model: name, image: request.bodyBytes, top: top, mode: mode))
    }

    /// `GET /v1/models`.
    func models(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        .json(await service.models())
    }

    /// `GET /v1/models/{name}`.
    func model(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        .json(try await service.model(request.parameter("name")))
    }

    /// `GET /v1/status`.
    func status(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        var status = await service.status()
        status.offload = offloader?.status()
        return .json(status)
    }

    /// `POST /v1/models/{name}/load`: answers once the model is warm (500 with OpenVINO's reason if it
    /// cannot load, 507 if it cannot fit).
    func load(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        .json(try await service.load(request.parameter("name")))
    }

    /// `POST /v1/models/{name}/unload`.
    func unload(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        .json(try await service.unload(request.parameter("name")))
    }

    /// `POST /v1/models/{name}/pin`.
    func pin(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        .json(try await service.setPinned(request.parameter("name"), true))
    }

    /// `POST /v1/models/{name}/unpin`.
    func unpin(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        .json(try await service.setPinned(request.parameter("name"), false))
    }

    /// `PUT /v1/models/{name}/keep-alive` with `{"seconds": N|null}`.
    func keepAlive(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        let body = try JSONCoding.decode(KeepAliveRequest.self, from: request.bodyBytes, what: "keep-alive request")
        if let seconds = body.seconds, !(seconds >= 0 || seconds == -1) || !seconds.isFinite {
            throw InferdError(.badRequest, "seconds must be >= 0, -1 (forever) or null (policy default), not \(seconds)")
        }
        return .json(try await service.setKeepAlive(request.parameter("name"), seconds: body.seconds))
    }

    /// `POST /v1/trim?level=moderate|critical` (default moderate): evicts as memory pressure would.
    func trim(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        let text = request.query["level"] ?? PressureLevel.moderate.rawValue
        guard let level = PressureLevel(rawValue: text), level != .none else {
            throw InferdError(.badRequest, "level must be moderate or critical, not \"\(text)\"")
        }
        return .json(await service.trim(level))
    }

    /// `POST /v1/reload`: rescans the models directory; answers the new model list.
    func reload(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        try await service.reloadCatalog()
        return .json(await service.models())
    }
}
