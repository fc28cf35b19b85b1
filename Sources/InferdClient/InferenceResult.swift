import InferdWire

/// The answer of an Open Inference `/infer` call: the first output's values as floats, and how the
/// exchange spent its time.
public struct InferenceResult: Sendable {
    /// The answer's JSON (the header, when outputs came as binary), with `data` as sent.
    public var response: OpenInference.InferenceResponse
    /// The first output's name.
    public var outputName: String
    /// The first output's shape.
    public var shape: [Int64]
    /// The first output's values, row-major.
    public var values: [Float]
    /// Connect, upload, server, download and bytes; `remoteReported` from the answer's `total_ms`
    /// parameter when the server sends one (inferd does).
    public var timings: RemoteTimings

    public init(response: OpenInference.InferenceResponse, outputName: String, shape: [Int64], values: [Float], timings: RemoteTimings) {
        self.response = response
        self.outputName = outputName
        self.shape = shape
        self.values = values
        self.timings = timings
    }

    /// True when the answer says it paid a model load (inferd's `cold` parameter); nil when it does not say.
    public var cold: Bool? { response.parameters?["cold"]?.boolValue }
}
