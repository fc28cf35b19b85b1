/// `PUT /v1/models/{name}/keep-alive` body: `{"seconds": 300}`; `null` restores the policy default,
/// `0` unloads after each request, `-1` keeps the model forever.
public struct KeepAliveRequest: Codable, Sendable, Equatable {
    public var seconds: Double?

    public init(seconds: Double?) { self.seconds = seconds }
}

/// `POST /v1/trim?level=moderate|critical` answer: what was evicted.
public struct TrimResponse: Codable, Sendable, Equatable {
    public var level: String
    public var evicted: [String]

    public init(level: String, evicted: [String]) {
        self.level = level
        self.evicted = evicted
    }
}
