import InferdWire

/// The daemon's answer to one classify request together with what the client measured around it.
public struct ClassifyResult: Sendable {
    /// The daemon's answer: labels, cold/warm, server-side timings.
    public var response: ClassifyResponse
    /// The client's timings of the HTTP exchange.
    public var client: ClientTimings
    /// Bytes written to the socket (request head plus image).
    public var bytesSent: Int
    /// Image bytes in the body.
    public var imageBytes: Int
    /// Bytes read from the connection (answer head plus body).
    public var bytesReceived: Int

    /// Bundles an answer with the client's measurements of it.
    public init(response: ClassifyResponse, client: ClientTimings, bytesSent: Int, imageBytes: Int, bytesReceived: Int = 0) {
        self.response = response
        self.client = client
        self.bytesSent = bytesSent
        self.imageBytes = imageBytes
        self.bytesReceived = bytesReceived
    }

    /// The exchange as a remote call: connect, upload, server (the client's wait), download, with the
    /// server's own `timings_ms.total` as ``RemoteTimings/remoteReported``.
    public var remoteTimings: RemoteTimings {
        RemoteTimings(connect: client.connect, upload: client.upload, server: client.wait, download: client.download,
                      remoteReported: response.timings.total, bytesSent: bytesSent, bytesReceived: bytesReceived)
    }

    /// Time not spent in the server: upload, answer transfer, connection and scheduling, ms.
    /// End-to-end minus the server's `timings_ms.total`, never negative.
    public var transferMilliseconds: Double {
        max(0, client.endToEnd - response.timings.total)
    }
}
