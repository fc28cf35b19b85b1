import InferdWire
import NIOHTTP1

/// A route table: method and path pattern (`/v2/models/{name}/infer`) to a handler.
///
/// Paths are matched segment by segment; `{name}` matches one non-empty segment and is passed to the
/// handler in ``HTTPRequest/parameters``. A path some route matches with another method answers 405
/// with `Allow`; a path no route matches answers 404.
public struct Router: Sendable {
    /// Handles one request. Throwing an ``InferdError`` answers with its status and JSON body.
    public typealias Handler = @Sendable (HTTPRequest) async throws(InferdError) -> HTTPResponse

    struct Route: Sendable {
        var method: HTTPMethod
        var pattern: [Substring]
        var access: RouteAccess
        var handler: Handler
    }

    /// Decides whether a request may run a route of an access class: nil to allow, else the error to
    /// answer (403). Runs after the route matched, before its handler.
    public typealias Authorizer = @Sendable (RouteAccess, HTTPRequest) -> InferdError?

    /// Sees every answer: the matched route's pattern (nil when none matched), the request (with its
    /// route parameters) and the response. For metrics; must not block.
    public typealias Observer = @Sendable (_ pattern: String?, _ request: HTTPRequest, _ response: HTTPResponse) -> Void

    private var routes: [Route] = []
    private let authorize: Authorizer
    private let observe: Observer?

    /// - Parameter authorize: the access check; default allows everything (tests, tools).
    /// - Parameter observe: called with every answer (default: nothing).
    public init(authorize: @escaping Authorizer = { _, _ in nil }, observe: Observer? = nil) {
        self.authorize = authorize
        self.observe = observe
    }

    /// Adds a route. Later routes never shadow earlier ones: the first match wins.
    ///
    /// - Parameter access: who may call it (recorded for peer-credential checks).
    public mutating func add(_ method: HTTPMethod, _ pattern: String, access: RouteAccess = .open, _ handler: @escaping Handler) {
        routes.append(Route(method: method, pattern: pattern.split(separator: "/"), access: access, handler: handler))
    }

    /// Method, pattern and access class of every route, in order (for documentation and tests).
    public var table: [(method: HTTPMethod, pattern: String, access: RouteAccess)] {
        routes.map { ($0.method, "/" + $0.pattern.joined(separator: "/"), $0.access) }
    }

    /// Finds the handler for `request` and runs it; never throws. `HEAD` runs the `GET` route (the
    /// connection sends the head only).
    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let (pattern, matched, response) = await route(request)
        observe?(pattern, matched, response)
        return response
    }

    private func route(_ request: HTTPRequest) async -> (String?, HTTPRequest, HTTPResponse) {
        let method = request.method == .HEAD ? HTTPMethod.GET : request.method
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: [HTTPMethod] = []
        for route in routes {
            guard let parameters = Self.match(route.pattern, segments) else { continue }
            guard route.method == method else {
                allowed.append(route.method)
                continue
            }
            var request = request
            request.parameters = parameters
            let pattern = "/" + route.pattern.joined(separator: "/")
            if let refusal = authorize(route.access, request) { return (pattern, request, .error(refusal)) }
            do {
                return (pattern, request, try await route.handler(request))
            } catch {
                return (pattern, request, .error(error))
            }
        }
        if allowed.contains(.GET) { allowed.append(.HEAD) }
        return (nil, request, Self.unmatched(request, allowed: allowed))
    }

    private static func unmatched(_ request: HTTPRequest, allowed: [HTTPMethod]) -> HTTPResponse {
        if !allowed.isEmpty {
            var response = HTTPResponse.error(InferdError(.methodNotAllowed, "\(request.method) is not allowed on \(request.path); use \(allowed.map { "\($0)" }.joined(separator: ", "))"))
            response.headers.add(name: "Allow", value: allowed.map { "\($0)" }.joined(separator: ", "))
            return response
        }
        return .error(InferdError(.notFound, "no route \(request.method) \(request.path)"))
    }

    private static func isParameter(_ segment: Substring) -> Bool {
        segment.first == "{" && segment.last == "}"
    }

    static func match(_ pattern: [Substring], _ segments: [Substring]) -> [String: String]? {
        guard pattern.count == segments.count else { return nil }
        // Literal segments first: most routes fail there, before any parameter is decoded.
        for (expected, actual) in zip(pattern, segments) where !isParameter(expected) && expected != actual {
            return nil
        }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(pattern, segments) where isParameter(expected) {
            let value = String(actual)
            parameters[String(expected.dropFirst().dropLast())] = value.utf8.contains(UInt8(ascii: "%")) ? value.removingPercentEncoding ?? value : value
        }
        return parameters
    }
}

import Foundation
