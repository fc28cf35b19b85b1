import COpenVINO
import Synchronization

/// One inference at a time on a compiled model (`ov_infer_request_t`).
///
/// Not thread-safe: a request is used by one caller at a time (``InferRequestPool`` hands them out).
/// ``run()`` starts the inference with `ov_infer_request_start_async` and suspends the calling task
/// until OpenVINO's completion callback resumes it: no thread waits while OpenVINO computes.
public final class InferRequest: @unchecked Sendable {
    let handle: OpaquePointer
    /// The completion callback OpenVINO holds a pointer to (the C API keeps the pointer, not a copy),
    /// so it lives as long as the request.
    private let callback: UnsafeMutablePointer<ov_callback_t>
    private let completion = Completion()

    init(handle: OpaquePointer) {
        self.handle = handle
        callback = .allocate(capacity: 1)
        callback.initialize(to: ov_callback_t(
            callback_func: { context in
                guard let context else { return }
                Unmanaged<Completion>.fromOpaque(context).takeUnretainedValue().finish()
            },
            args: Unmanaged.passUnretained(completion).toOpaque()))
    }

    deinit {
        ov_infer_request_free(handle)
        callback.deinitialize(count: 1)
        callback.deallocate()
    }

    /// Binds `tensor` as input 0. The tensor (and any host memory it wraps) must stay alive until
    /// the inference returns.
    public func setInput(_ tensor: Tensor, index: Int = 0) throws(OpenVINOError) {
        try ovCheck(ov_infer_request_set_input_tensor_by_index(handle, index, tensor.handle), "set input tensor \(index)")
    }

    /// Runs the model synchronously, blocking the calling thread (warm-up and tools; the daemon uses
    /// ``run()``).
    public func infer() throws(OpenVINOError) {
        try ovCheck(ov_infer_request_infer(handle), "infer")
    }

    /// Runs the model asynchronously: starts it and suspends until OpenVINO's callback says it is
    /// done, then reports the inference's own failure, if any.
    ///
    /// Not cancellable once started (OpenVINO's cancel would leave the request's buffers in use);
    /// an inference takes milliseconds.
    public func run() async throws(OpenVINOError) {
        let started = await withCheckedContinuation { (continuation: CheckedContinuation<OpenVINOError?, Never>) in
            completion.arm(continuation)
            do throws(OpenVINOError) {
                try ovCheck(ov_infer_request_set_callback(handle, callback), "set completion callback")
                try ovCheck(ov_infer_request_start_async(handle), "start inference")
            } catch {
                completion.finish(error)
            }
        }
        if let started { throw started }
        // The callback ran; `wait` returns at once and rethrows the inference's exception, if any.
        try ovCheck(ov_infer_request_wait(handle), "infer")
    }

    /// Output `index` after an inference. The tensor's memory belongs to this request and is
    /// overwritten by the next inference: copy what you keep.
    public func output(_ index: Int = 0) throws(OpenVINOError) -> Tensor {
        var tensor: OpaquePointer?
        try ovCheck(ov_infer_request_get_output_tensor_by_index(handle, index, &tensor), "get output tensor \(index)")
        return Tensor(handle: tensor!, keepAlive: nil)
    }
}

/// The continuation of the one inference in flight on a request, resumed exactly once: by
/// OpenVINO's callback (on one of its threads) or by a failure to start.
private final class Completion: Sendable {
    private let pending = Mutex<CheckedContinuation<OpenVINOError?, Never>?>(nil)

    func arm(_ continuation: CheckedContinuation<OpenVINOError?, Never>) {
        pending.withLock { $0 = continuation }
    }

    func finish(_ error: OpenVINOError? = nil) {
        let continuation = pending.withLock { pending in
            defer { pending = nil }
            return pending
        }
        continuation?.resume(returning: error)
    }
}
