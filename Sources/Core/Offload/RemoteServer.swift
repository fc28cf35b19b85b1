/// A server the daemon may offload classifications to (`[offload] remotes`): another inferd, or
/// any Open Inference Protocol server (Triton, KServe, OpenVINO Model Server).
///
/// Written as one string per remote, so it fits a TOML list, a flag and an environment variable
/// alike: the URL, then optional `key=value` words:
///
/// ```
/// http://10.0.0.2:8080 models=alexnet,nin token_file=/etc/inferd/remote.token protocol=inferd
/// http://10.0.0.3:8000 protocol=oip normalize=127.5/127.5 crop_short_side=256
/// ```
public struct RemoteServer: Sendable, Equatable, Codable {
    /// `http://HOST:PORT`.
    public var url: String
    /// Models it serves; empty: any model.
    public var models: [String]
    /// File holding a bearer token to send, if the remote wants one.
    public var tokenFile: String?
    /// How to talk to it: inferd's classify call (the encoded image goes up), Open Inference
    /// Protocol tensors (decoded and prepared here), or `auto` (the first, then OIP when the remote
    /// has no classify call).
    public var wireProtocol: RemoteProtocol
    /// On OIP: how to normalise its models' `FP32` inputs, for a remote whose metadata does not say it
    /// (`normalize=`: `unit`, `imagenet`, `none` or `MEAN/SCALE`, read by the runtime's
    /// `TensorNormalization(named:)`); it overrides the metadata and the local bundle.
    public var normalize: String?
    /// On OIP: the centre crop's short side (`crop_short_side=`, 0: no crop), likewise.
    public var cropShortSide: Int?

    public init(url: String, models: [String] = [], tokenFile: String? = nil, wireProtocol: RemoteProtocol = .auto,
                normalize: String? = nil, cropShortSide: Int? = nil) {
        self.url = url
        self.models = models
        self.tokenFile = tokenFile
        self.wireProtocol = wireProtocol
        self.normalize = normalize
        self.cropShortSide = cropShortSide
    }

    /// The keys a remote's words may set, for messages.
    static let keys = "models=, token_file=, protocol=, normalize=, crop_short_side="

    /// True when it serves `model`.
    public func serves(_ model: String) -> Bool { models.isEmpty || models.contains(model) }

    /// Parses `URL [models=a,b] [token_file=PATH] [protocol=auto|inferd|oip] [normalize=N] [crop_short_side=S]`.
    ///
    /// - Throws: ``ConfigurationError`` `.invalidValue` naming the bad part.
    public static func parse(_ text: String) throws(ConfigurationError) -> RemoteServer {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let url = words.first else {
            throw ConfigurationError(.invalidValue, "offload remote: empty; write \"http://HOST:PORT [models=a,b] [token_file=PATH] [protocol=auto|inferd|oip]\"")
        }
        guard url.hasPrefix("http://") else {
            let hint = url.hasPrefix("https://") ? " (no TLS here: put a TLS proxy on this host and point at it)" : ""
            throw ConfigurationError(.invalidValue, "offload remote \"\(url)\": must start with http://\(hint)")
        }
        var remote = RemoteServer(url: url)
        for word in words.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw ConfigurationError(.invalidValue, "offload remote \(url): \"\(word)\" is not key=value (\(keys))")
            }
            switch parts[0] {
            case "models": remote.models = parts[1].split(separator: ",").map(String.init)
            case "token_file": remote.tokenFile = parts[1]
            case "protocol":
                guard let value = RemoteProtocol(rawValue: parts[1]) else {
                    throw ConfigurationError(.invalidValue, "offload remote \(url): protocol must be auto, inferd or oip, not \(parts[1])")
                }
                remote.wireProtocol = value
            case "normalize":
                remote.normalize = parts[1]
            case "crop_short_side":
                guard let value = Int(parts[1]), (0...(1 << 15)).contains(value) else {
                    throw ConfigurationError(.invalidValue, "offload remote \(url): crop_short_side must be 0 (no crop) to 32768, not \(parts[1])")
                }
                remote.cropShortSide = value
            default:
                throw ConfigurationError(.invalidValue, "offload remote \(url): unknown key \"\(parts[0])\" (\(keys))")
            }
        }
        return remote
    }

    enum CodingKeys: String, CodingKey {
        case url, models, normalize
        case tokenFile = "token_file"
        case cropShortSide = "crop_short_side"
        case wireProtocol = "protocol"
    }
}
