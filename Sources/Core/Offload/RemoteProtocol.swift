/// Which API a ``RemoteClassifier`` uses to classify.
public enum RemoteProtocol: String, Sendable, CaseIterable, Codable {
    /// inferd's classify route first; if the server has no such route (404 without an inferd error),
    /// the Open Inference Protocol from then on.
    case auto
    /// inferd's `POST /v1/models/{name}/classify` only: the encoded image is uploaded.
    case inferd
    /// The Open Inference Protocol only: the image is decoded and preprocessed here, per the model's
    /// `/v2` metadata, and sent as a tensor to `/v2/models/{name}/infer`.
    case oip
}
