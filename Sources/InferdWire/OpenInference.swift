/// The JSON types of the Open Inference Protocol (KServe v2) and of Triton's model repository
/// extension, as inferd speaks them under `/v2`.
///
/// Field names follow the specification (`model_name`, `binary_data_size`, …). Only what an image
/// classifier needs is modelled. Read as the specification writes it, so that answers of other
/// servers (KServe, Triton, MLServer, OpenVINO Model Server) decode: unknown fields are ignored,
/// every field the specification marks optional is optional here, and an explicit JSON `null` reads
/// as absent (KServe sends `"versions": null`).
public enum OpenInference {
    /// `GET /v2`: who answers and which protocol extensions it supports.
    public struct ServerMetadata: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        /// Empty when the server lists none (or sends `null`).
        public var extensions: [String]

        public init(name: String, version: String, extensions: [String]) {
            self.name = name
            self.version = version
            self.extensions = extensions
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
            version = try container.decodeIfPresent(String.self, forKey: .version) ?? ""
            extensions = try container.decodeIfPresent([String].self, forKey: .extensions) ?? []
        }

        enum CodingKeys: String, CodingKey {
            case name, version, extensions
        }
    }

    /// `GET /v2/models/{name}`.
    ///
    /// `inputs` describe what `/infer` accepts (the image tensor, `UINT8 [1,-1,-1,3]`, NHWC RGB of any
    /// size); `network_inputs` describe the network's own input before the built-in preprocessing.
    public struct ModelMetadata: Codable, Sendable, Equatable {
        public var name: String
        /// Optional in the specification; nil when absent or `null` (KServe).
        public var versions: [String]?
        /// `openvino_onnx`, `openvino_ir`, `openvino_tflite`, …; nil when absent or `null`.
        public var platform: String?
        /// Empty when the server sends none (a KServe model that does not describe its tensors).
        public var inputs: [TensorDescription]
        public var outputs: [TensorDescription]
        /// inferd extension: the network's own inputs (layout per the manifest, after resize and normalisation).
        public var networkInputs: [TensorDescription]?
        /// inferd extension: free-form facts (`layout`, `color`, `resize`, `state`, …).
        public var parameters: [String: Parameter]?

        public init(name: String, versions: [String]?, platform: String?, inputs: [TensorDescription],
                    outputs: [TensorDescription], networkInputs: [TensorDescription]?, parameters: [String: Parameter]?) {
            self.name = name
            self.versions = versions
            self.platform = platform
            self.inputs = inputs
            self.outputs = outputs
            self.networkInputs = networkInputs
            self.parameters = parameters
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            versions = try container.decodeIfPresent([String].self, forKey: .versions)
            platform = try container.decodeIfPresent(String.self, forKey: .platform)
            inputs = try container.decodeIfPresent([TensorDescription].self, forKey: .inputs) ?? []
            outputs = try container.decodeIfPresent([TensorDescription].self, forKey: .outputs) ?? []
            networkInputs = try container.decodeIfPresent([TensorDescription].self, forKey: .networkInputs)
            parameters = try container.decodeIfPresent([String: Parameter].self, forKey: .parameters)
        }

        enum CodingKeys: String, CodingKey {
            case name, versions, platform, inputs, outputs, parameters
            case networkInputs = "network_inputs"
        }
    }

    /// `GET /v2/models/{name}/ready` body (the status code carries the answer: 200 ready, 400 not).
    public struct ModelReadiness: Codable, Sendable, Equatable {
        public var name: String
        public var ready: Bool
        /// inferd extension: the life-cycle state behind the answer (`warm`, `cold`, `loading`, `failed`).
        public var state: String?

        public init(name: String, ready: Bool, state: String?) {
            self.name = name
            self.ready = ready
            self.state = state
        }
    }

    /// A value in a `parameters` object: bool, integer, number or string.
    public enum Parameter: Codable, Sendable, Equatable {
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case string(String)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int64.self) {
                self = .int(value)
            } else if let value = try? container.decode(Double.self) {
                self = .double(value)
            } else {
                self = .string(try container.decode(String.self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .bool(let value): try container.encode(value)
            case .int(let value): try container.encode(value)
            case .double(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            }
        }

        /// The value as a bool (`true`, non-zero integers).
        public var boolValue: Bool? {
            switch self {
            case .bool(let value): value
            case .int(let value): value != 0
            default: nil
            }
        }

        /// The value as an integer (integral numbers only).
        public var intValue: Int64? {
            switch self {
            case .int(let value): value
            case .double(let value) where value == value.rounded() && abs(value) < 9e18: Int64(value)
            default: nil
            }
        }
    }

    /// The body (or, with the binary extension, the JSON header) of `POST /v2/models/{name}/infer`.
    public struct InferenceRequest: Codable, Sendable, Equatable {
        public var id: String?
        /// Request-wide parameters, e.g. `binary_data_output: true`.
        public var parameters: [String: Parameter]?
        public var inputs: [RequestInput]
        /// Which outputs to return and how; all outputs as JSON when absent.
        public var outputs: [RequestOutput]?

        public init(id: String? = nil, parameters: [String: Parameter]? = nil, inputs: [RequestInput], outputs: [RequestOutput]? = nil) {
            self.id = id
            self.parameters = parameters
            self.inputs = inputs
            self.outputs = outputs
        }
    }

    /// One input tensor of an inference request.
    public struct RequestInput: Codable, Sendable, Equatable {
        public var name: String
        public var shape: [Int64]
        public var datatype: String
        /// `binary_data_size`: the tensor's bytes follow the JSON header instead of being in `data`.
        public var parameters: [String: Parameter]?
        /// The elements, row-major (flat or nested arrays are both accepted).
        public var data: TensorData?

        public init(name: String, shape: [Int64], datatype: String, parameters: [String: Parameter]? = nil, data: TensorData? = nil) {
            self.name = name
            self.shape = shape
            self.datatype = datatype
            self.parameters = parameters
            self.data = data
        }
    }

    /// One requested output: its name and `binary_data: true` to receive it as raw bytes.
    public struct RequestOutput: Codable, Sendable, Equatable {
        public var name: String
        public var parameters: [String: Parameter]?

        public init(name: String, parameters: [String: Parameter]? = nil) {
            self.name = name
            self.parameters = parameters
        }
    }

    /// The answer of `/infer` (or its JSON header, when outputs travel as binary).
    public struct InferenceResponse: Codable, Sendable, Equatable {
        public var modelName: String
        public var modelVersion: String?
        public var id: String?
        public var parameters: [String: Parameter]?
        public var outputs: [ResponseOutput]

        public init(modelName: String, modelVersion: String?, id: String?, parameters: [String: Parameter]?, outputs: [ResponseOutput]) {
            self.modelName = modelName
            self.modelVersion = modelVersion
            self.id = id
            self.parameters = parameters
            self.outputs = outputs
        }

        enum CodingKeys: String, CodingKey {
            case id, parameters, outputs
            case modelName = "model_name"
            case modelVersion = "model_version"
        }
    }

    /// One output tensor: `data` as JSON numbers (or, for a `BYTES` tensor such as the classification
    /// extension's, JSON strings), or `parameters.binary_data_size` bytes after the header.
    public struct ResponseOutput: Codable, Sendable, Equatable {
        public var name: String
        public var shape: [Int64]
        public var datatype: String
        public var parameters: [String: Parameter]?
        public var data: [Float]?
        /// The elements of a `BYTES` tensor, sent as `data` in place of numbers.
        public var strings: [String]?

        public init(name: String, shape: [Int64], datatype: String, parameters: [String: Parameter]?, data: [Float]?,
                    strings: [String]? = nil) {
            self.name = name
            self.shape = shape
            self.datatype = datatype
            self.parameters = parameters
            self.data = data
            self.strings = strings
        }

        enum CodingKeys: String, CodingKey {
            case name, shape, datatype, parameters, data
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            shape = try container.decode([Int64].self, forKey: .shape)
            datatype = try container.decode(String.self, forKey: .datatype)
            parameters = try container.decodeIfPresent([String: Parameter].self, forKey: .parameters)
            if datatype == "BYTES" {
                strings = try container.decodeIfPresent([String].self, forKey: .data)
            } else {
                data = try container.decodeIfPresent([Float].self, forKey: .data)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(shape, forKey: .shape)
            try container.encode(datatype, forKey: .datatype)
            try container.encodeIfPresent(parameters, forKey: .parameters)
            if let strings { try container.encode(strings, forKey: .data) } else { try container.encodeIfPresent(data, forKey: .data) }
        }
    }

    /// Tensor elements in JSON: a flat or nested array of numbers, flattened row-major on decoding.
    public struct TensorData: Codable, Sendable, Equatable {
        public var values: [Double]

        public init(_ values: [Double]) { self.values = values }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flat = try? container.decode([Double].self) {
                values = flat
            } else {
                values = try container.decode([TensorData].self).flatMap(\.values)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(values)
        }
    }

    /// `POST /v2/repository/index` body (optional): `{"ready": true}` lists only ready models.
    public struct RepositoryIndexRequest: Codable, Sendable, Equatable {
        public var ready: Bool?

        public init(ready: Bool? = nil) { self.ready = ready }
    }

    /// One model of `POST /v2/repository/index`.
    public struct RepositoryIndexEntry: Codable, Sendable, Equatable {
        /// Triton's model states.
        public enum State: String, Codable, Sendable {
            case ready = "READY"
            case unavailable = "UNAVAILABLE"
            case loading = "LOADING"
            case unloading = "UNLOADING"
        }

        public var name: String
        public var version: String
        public var state: State
        /// Why it is not ready (`not loaded`, the load failure, …); empty when ready.
        public var reason: String

        public init(name: String, version: String, state: State, reason: String) {
            self.name = name
            self.version = version
            self.state = state
            self.reason = reason
        }
    }
}
