/// Triton's model configuration as `GET /v2/models/{name}/config` answers it (the JSON form of
/// Triton's `ModelConfig` protobuf), so Triton's tools — `perf_analyzer`, `model_analyzer`, the
/// clients' `get_model_config` — run against inferd directly.
///
/// Only the fields those tools read are modelled. inferd has no batch dimension to offer
/// (`max_batch_size` 0: the input's own first dimension, 1, is part of `dims`).
public struct TritonModelConfig: Codable, Sendable, Equatable {
    /// One input or output: `data_type` is Triton's `TYPE_UINT8`, `TYPE_FP32`, ….
    public struct Tensor: Codable, Sendable, Equatable {
        public var name: String
        public var dataType: String
        public var format: String?
        public var dims: [Int64]

        public init(name: String, dataType: String, format: String? = nil, dims: [Int64]) {
            self.name = name
            self.dataType = dataType
            self.format = format
            self.dims = dims
        }

        enum CodingKeys: String, CodingKey {
            case name, format, dims
            case dataType = "data_type"
        }
    }

    /// How many instances serve the model: inferd's infer requests (`KIND_CPU`).
    public struct InstanceGroup: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
        public var count: Int

        public init(name: String, kind: String = "KIND_CPU", count: Int) {
            self.name = name
            self.kind = kind
            self.count = count
        }
    }

    public var name: String
    public var platform: String
    public var backend: String
    public var maxBatchSize: Int
    public var input: [Tensor]
    public var output: [Tensor]
    public var instanceGroup: [InstanceGroup]

    public init(name: String, platform: String, maxBatchSize: Int = 0, input: [Tensor], output: [Tensor], instanceGroup: [InstanceGroup]) {
        self.name = name
        self.platform = platform
        backend = "openvino"
        self.maxBatchSize = maxBatchSize
        self.input = input
        self.output = output
        self.instanceGroup = instanceGroup
    }

    enum CodingKeys: String, CodingKey {
        case name, platform, backend, input, output
        case maxBatchSize = "max_batch_size"
        case instanceGroup = "instance_group"
    }

    /// Triton's `TYPE_*` name for an Open Inference datatype (`UINT8` -> `TYPE_UINT8`, `BYTES` -> `TYPE_STRING`).
    public static func dataType(_ datatype: String) -> String {
        datatype == "BYTES" ? "TYPE_STRING" : "TYPE_" + datatype
    }
}
