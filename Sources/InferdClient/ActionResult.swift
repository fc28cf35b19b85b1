import InferdWire

/// The daemon's answer to an operator action (load, unload, pin, unpin, keep-alive, trim): its JSON
/// as sent, and the model summary in it when there is one.
public struct ActionResult: Sendable {
    /// HTTP status (2xx: actions that fail throw instead).
    public var status: Int
    /// The JSON body as sent.
    public var body: [UInt8]
    /// The model's summary, when the body is one (or holds one under `"model"`).
    public var model: ModelSummary?
    /// Client-side timings of the exchange: for `load`, how long the load took seen from outside.
    public var timings: ClientTimings

    init(_ response: HTTPResponse) {
        status = response.status
        body = response.body
        timings = response.timings
        struct Wrapped: Decodable { var model: ModelSummary }
        model = (try? JSONCoding.decode(ModelSummary.self, from: response.body))
            ?? (try? JSONCoding.decode(Wrapped.self, from: response.body))?.model
    }

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
