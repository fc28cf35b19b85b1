import NIOCore
import NIOHTTP1

/// The API's route table: the Open Inference Protocol (`/v2`), Triton's repository extension
/// (`/v2/repository`) and inferd's own calls (`/v1`). Handlers are small: they parse the request,
/// call the ``InferenceService`` and encode its answer.
public enum APIRoutes {
    /// Builds the router for `service`; `access` checks the admin routes (default: allow everyone);
    /// `offloader` classifies with hybrid offload when remotes are configured.
    public static func router(_ service: InferenceService, access: AdminAccess? = nil, offloader: OffloadingClassifier? = nil) -> Router {
        var router = Router(authorize: { route, request in access?.authorize(route, request) },
                            observe: { pattern, request, response in countRequest(service, pattern, request, response) })
        let v2 = OpenInferenceHandlers(service: service)
        let v1 = InferdHandlers(service: service, offloader: offloader, access: access)

        // Open Inference Protocol (KServe v2).
        router.add(.GET, "/v2/health/live", v2.live)
        router.add(.GET, "/v2/health/ready", v2.ready)
        router.add(.GET, "/v2", v2.serverMetadata)
        router.add(.GET, "/v2/models/{name}", v2.modelMetadata)
        router.add(.GET, "/v2/models/{name}/versions/{version}", v2.modelMetadata)
        router.add(.GET, "/v2/models/{name}/config", v2.modelConfig)
        router.add(.GET, "/v2/models/{name}/versions/{version}/config", v2.modelConfig)
        router.add(.GET, "/v2/models/{name}/ready", v2.modelReady)
        router.add(.GET, "/v2/models/{name}/versions/{version}/ready", v2.modelReady)
        router.add(.POST, "/v2/models/{name}/infer", v2.infer)
        router.add(.POST, "/v2/models/{name}/versions/{version}/infer", v2.infer)

        // Triton's model repository extension.
        router.add(.POST, "/v2/repository/index", v2.repositoryIndex)
        router.add(.POST, "/v2/repository/models/{name}/load", access: .admin, v2.repositoryLoad)
        router.add(.POST, "/v2/repository/models/{name}/unload", access: .admin, v2.repositoryUnload)

        // inferd's own.
        router.add(.POST, "/v1/models/{name}/classify", v1.classify)
        router.add(.GET, "/v1/models", v1.models)
        router.add(.GET, "/v1/models/{name}", v1.model)
        router.add(.GET, "/v1/status", v1.status)
        router.add(.POST, "/v1/models/{name}/load", access: .admin, v1.load)
        router.add(.POST, "/v1/models/{name}/unload", access: .admin, v1.unload)
        router.add(.POST, "/v1/models/{name}/pin", access: .admin, v1.pin)
        router.add(.POST, "/v1/models/{name}/unpin", access: .admin, v1.unpin)
        router.add(.PUT, "/v1/models/{name}/keep-alive", access: .admin, v1.keepAlive)
        router.add(.POST, "/v1/trim", access: .admin, v1.trim)
        router.add(.POST, "/v1/reload", access: .admin, v1.reload)

        // Prometheus.
        router.add(.GET, "/metrics") { _ in
            let text = await MetricsScrape.render(service)
            return HTTPResponse(headers: ["Content-Type": PrometheusText.contentType], body: ByteBuffer(string: text))
        }
        return router
    }

    /// Counts one answer in `inferd_requests_total`; label values stay bounded (route patterns,
    /// catalog names).
    private static func countRequest(_ service: InferenceService, _ pattern: String?, _ request: HTTPRequest, _ response: HTTPResponse) {
        let name = request.parameters["name"] ?? ""
        service.metrics.countRequest(.init(
            method: (request.method == .HEAD ? .GET : request.method).rawValue, route: pattern ?? "unmatched",
            model: service.catalog[name] != nil ? name : "", status: Int(response.status.code),
            placement: response.placement ?? "none"))
    }
}
