import InferdWire

/// One HTTP answer as received, with the client's timings of the exchange.
public struct HTTPResponse: Sendable {
    /// Status code (200, 404, …).
    public var status: Int
    /// Reason phrase from the status line.
    public var reason: String
    /// Header fields in the order received; names as sent.
    public var headers: [(name: String, value: String)]
    /// The body, de-chunked.
    public var body: [UInt8]
    /// Client-side timings of the exchange.
    public var timings: ClientTimings
    /// Bytes written: request head plus body.
    public var bytesSent: Int
    /// Bytes read: the answer's head plus body as they came over the connection.
    public var bytesReceived: Int

    /// An answer as parsed, with the timings of its exchange.
    public init(status: Int, reason: String, headers: [(name: String, value: String)], body: [UInt8],
                timings: ClientTimings = ClientTimings(), bytesSent: Int = 0, bytesReceived: Int = 0) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.timings = timings
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
    }

    /// The exchange's timings as a remote call's phases (`server` is the client's `wait`), with
    /// `remoteReported` as the server's own figure when the caller read one from the body, else the
    /// `Server-Timing` header's when there is one (``RemoteTimings/remoteSource`` says which).
    public func remoteTimings(remoteReported: Double? = nil) -> RemoteTimings {
        var reported = remoteReported
        var source: RemoteTimeSource? = remoteReported == nil ? nil : .reported
        if reported == nil, let header = serverTiming?.total {
            reported = header
            source = .serverTiming
        }
        return RemoteTimings(connect: timings.connect, upload: timings.upload, server: timings.wait, download: timings.download,
                             remoteReported: reported, remoteSource: source, bytesSent: bytesSent, bytesReceived: bytesReceived)
    }

    /// The `Server-Timing` headers, joined; nil when there are none.
    public var serverTiming: ServerTiming? {
        let values = headers.filter { $0.name.lowercased() == "server-timing" }.map(\.value)
        return values.isEmpty ? nil : ServerTiming(parsing: values.joined(separator: ","))
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// True for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
