import Core
import InferdRuntime
import InferdWire

/// One classification by a ``RemoteClassifier``: the labels, which protocol produced them, and where
/// the time went on both sides of the network.
public struct RemoteClassification: Sendable {
    /// `.inferd` or `.oip` (never `.auto`): the API that answered.
    public var protocolUsed: RemoteProtocol
    /// The model asked for.
    public var model: String
    /// Top-K classes, best first.
    public var labels: [ClassLabel]
    /// True when the server said the request paid a model load; nil when it does not say.
    public var cold: Bool?
    /// Connect, upload, server, download and bytes of the exchange, with the server's own figure as
    /// ``RemoteTimings/remoteReported`` when it gives one.
    public var network: RemoteTimings
    /// The whole call as measured here, ms: client work plus the exchange.
    public var endToEnd: Double
    /// With client-side resizing on the inferd protocol: decoding and re-encoding the image here, ms.
    public var clientResize: Double?
    /// On the OIP protocol: decoding the image here, ms.
    public var clientDecode: Double?
    /// On the OIP protocol: crop, resize and tensor layout here, ms.
    public var clientPreprocess: Double?
    /// Encoded image bytes given, and bytes of image or tensor put in the request body.
    public var imageBytes: Int
    public var payloadBytes: Int
    /// The image's own size.
    public var originalWidth: Int?
    public var originalHeight: Int?
    /// The size decoded (by the server on the inferd protocol, here on OIP).
    public var decodedWidth: Int?
    public var decodedHeight: Int?
    /// On the OIP protocol: the shape of the tensor sent.
    public var tensorShape: [Int64]?
    /// On the OIP protocol: true when the output were scores and softmax was applied here.
    public var softmaxApplied: Bool
    /// On the OIP protocol: how the tensor was built, and where each choice came from.
    public var preprocessing: PreprocessingPlan?
    /// On the inferd protocol: the daemon's answer as received (server-side steps, precision, placement).
    public var inferd: ClassifyResult?

    /// The daemon's placement, when it said where the request ran.
    public var placement: Placement? { inferd?.response.placement }
}
