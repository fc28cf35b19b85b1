/// Where the time of one classification went, in milliseconds, step by step (the paper's breakdown:
/// load model, rescale bitmap, compute probability).
public struct StepTimings: Codable, Sendable, Equatable {
    /// Waiting for a model load started by another request, or for a free infer request.
    public var queue: Double = 0
    /// Loading the model (read + compile) when this request paid a cold start; 0 when warm.
    public var load: Double = 0
    /// Of `load`: reading the model file.
    public var read: Double?
    /// Of `load`: compiling for the device (including preprocessing built into the model).
    public var compile: Double?
    /// Decoding the encoded image (with DCT-domain downscaling for JPEG).
    public var decode: Double = 0
    /// Cropping and wrapping pixels as a tensor (resize and normalise run inside the compiled model).
    public var preprocess: Double = 0
    /// Inference, including the in-model resize and normalisation.
    public var compute: Double = 0
    /// Softmax and top-k.
    public var postprocess: Double = 0
    /// Everything the server spent on the request.
    public var total: Double = 0

    public init() {}
}
