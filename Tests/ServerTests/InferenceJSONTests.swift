import Foundation
@testable import InferdServer
import InferdWire
import Testing

/// The inference path's own JSON: the answer written with `JSONText` and the request header read by
/// `InferenceHeaderReader`, each held against what `Codable` makes of the same value or text.
@Suite struct InferenceJSONTests {
    // MARK: The answer

    static let awkwardFloats: [Float] = [
        0, -0, 1, -1, 0.1, 0.5, 1e-5, 1.2345e-7, 123456, 1e7, 1e16, 3.4028235e38, -3.4028235e38,
        .leastNonzeroMagnitude, .leastNormalMagnitude, .ulpOfOne, 0.33333334, .nan, .infinity, -.infinity,
    ]

    static let awkwardStrings = [
        "", "plain", "a\"quote", "back\\slash", "a/slash", "line\nfeed", "tab\there", "\r\u{8}\u{c}",
        "\u{1}\u{1f}\u{7f}", "é, ü, 日本", "😀 emoji", "</script>",
    ]

    static func answer(data: [Float]? = nil, strings: [String]? = nil, binary: Bool = false, id: String? = nil,
                       version: String? = "1", parameters: [String: OpenInference.Parameter]? = nil) -> OpenInference.InferenceResponse {
        let output = OpenInference.ResponseOutput(
            name: "logits", shape: [1, Int64(data?.count ?? strings?.count ?? 0)], datatype: strings == nil ? "FP32" : "BYTES",
            parameters: binary ? ["binary_data_size": .int(4000)] : nil, data: data, strings: strings)
        return OpenInference.InferenceResponse(modelName: "efficientnet-lite0", modelVersion: version, id: id,
                                               parameters: parameters, outputs: [output])
    }

    static func encoded(_ response: OpenInference.InferenceResponse) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(response), as: UTF8.self)
    }

    @Test func theAnswerIsWhatTheAPIsEncoderWritesByteForByte() throws {
        let timings: [String: OpenInference.Parameter] = [
            "cold": .bool(false), "queue_ms": .double(0), "load_ms": .double(-0.0), "compute_ms": .double(9.876543210123),
            "total_ms": .double(1e-300), "huge": .double(1e300), "nan": .double(.nan), "inf": .double(-.infinity),
            "count": .int(-42), "big": .int(.max), "note": .string("a/b \"c\""),
        ]
        var cases = [
            Self.answer(data: Self.awkwardFloats, parameters: timings),
            Self.answer(data: [], binary: true, id: "request-7", parameters: timings),
            Self.answer(data: nil, binary: true, version: nil),
            Self.answer(strings: Self.awkwardStrings.map { "0.5:3:\($0)" }, id: "ü\"/\\", parameters: [:]),
        ]
        cases += Self.awkwardStrings.map { Self.answer(data: [1], id: $0) }
        for response in cases {
            #expect(String(decoding: response.jsonText, as: UTF8.self) == (try Self.encoded(response)))
        }
    }

    @Test func everyFloatBitPatternIsWrittenAsTheEncoderWritesIt() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let values = (0..<200).map { _ in Float(bitPattern: generator.next()) }
            let response = Self.answer(data: values, parameters: ["compute_ms": .double(Double(bitPattern: generator.next()))])
            #expect(String(decoding: response.jsonText, as: UTF8.self) == (try Self.encoded(response)))
        }
    }

    @Test func theAnswerDecodesBackToItself() throws {
        let response = Self.answer(data: (0..<1000).map { Float($0) / 7 }, id: "x", parameters: ["cold": .bool(true)])
        let decoded = try JSONDecoder().decode(OpenInference.InferenceResponse.self, from: Data(response.jsonText))
        #expect(decoded == response)
    }

    // MARK: The request header

    /// Headers as clients send them: perf_analyzer and tritonclient (binary input and output), inferd's
    /// own client, a JSON tensor with its data taken out, spacing and key orders of other writers.
    static let typicalHeaders = [
        #"{"inputs":[{"name":"input","shape":[1,224,224,3],"datatype":"UINT8","parameters":{"binary_data_size":150528}}],"outputs":[{"name":"logits","parameters":{"binary_data":true}}]}"#,
        #"{"id":"42","inputs":[{"name":"input","shape":[1,224,224,3],"datatype":"UINT8","parameters":{"binary_data_size":150528}}],"parameters":{"binary_data_output":true}}"#,
        #"{"inputs":[{"name":"input","shape":[1,2,2,3],"datatype":"UINT8","data":null}]}"#,
        #"{"inputs":[{"name":"input","shape":[1,2,2,3],"datatype":"UINT8","data":null}],"outputs":[{"name":"logits","parameters":{"classification":5}}]}"#,
        """
        {
          "outputs" : [ { "parameters" : { "binary_data" : false }, "name" : "logits" } ],
          "inputs" : [ { "datatype" : "UINT8", "shape" : [ 1, 4, 4, 3 ], "name" : "input", "parameters" : { "binary_data_size" : 48 } } ]
        }
        """,
        #"{"inputs":[],"outputs":[],"parameters":{}}"#,
        #"{"inputs":[{"name":"ü/x","shape":[-1,0],"datatype":"FP32","parameters":{"a":"b","c":-7}}]}"#,
    ]

    /// Text the reader leaves to `Codable` (which accepts some and words the refusal of others).
    static let leftToCodable = [
        #"{"inputs":[{"name":"in\"put","shape":[1],"datatype":"UINT8"}]}"#,
        #"{"inputs":[{"name":"input","shape":[1.0],"datatype":"UINT8"}]}"#,
        #"{"inputs":[{"name":"input","shape":[1e2],"datatype":"UINT8"}]}"#,
        #"{"inputs":[{"name":"input","shape":[01],"datatype":"UINT8"}]}"#,
        #"{"inputs":[{"name":"input","shape":[1],"datatype":"UINT8","parameters":{"x":1.5}}]}"#,
        #"{"inputs":[{"name":"input","shape":[1],"datatype":"UINT8","parameters":{"x":null}}]}"#,
        #"{"inputs":[{"name":"input","shape":[1],"datatype":"UINT8","extra":{"deep":[1,2]}}]}"#,
        #"{"id":null,"inputs":[]}"#,
        #"{"inputs":[],"inputs":[]}"#,
        #"{"inputs":[{"name":"input","shape":[99999999999999999999],"datatype":"UINT8"}]}"#,
        #"{"inputs":[{"name":"input","shape":[1],"datatype":"UINT8","data":nullx}]}"#,
        #"{"inputs":[{"name":"input","shape":[1],"datatype":"UINT8"}]} trailing"#,
        #"{"inputs":[{"name":"input","shape":[1],"datatype":"UINT8"}],}"#,
        #"{"inputs":[{"name":"input","shape":[1],"datatype":"UINT8"}"#,
        #"{"outputs":[]}"#,
        #"{"inputs":[{"shape":[1],"datatype":"UINT8"}]}"#,
        #"{"inputs":{"name":"input"}}"#,
        #"[]"#, "", "nul", #"{"inputs":[{"name":true,"shape":[1],"datatype":"UINT8"}]}"#,
    ]

    static func read(_ text: String) -> OpenInference.InferenceRequest? {
        Array(text.utf8).withUnsafeBytes(InferenceHeaderReader.read)
    }

    static func codable(_ text: String) -> OpenInference.InferenceRequest? {
        try? JSONCoding.decode(OpenInference.InferenceRequest.self, from: Array(text.utf8), what: "inference request")
    }

    @Test(arguments: typicalHeaders)
    func typicalHeadersAreReadAsCodableReadsThem(_ text: String) throws {
        let read = try #require(Self.read(text), "the reader gave up on \(text)")
        #expect(read == Self.codable(text))
    }

    @Test(arguments: leftToCodable)
    func anythingElseIsLeftToCodable(_ text: String) {
        #expect(Self.read(text) == nil)
    }

    @Test func everyCutOfATypicalHeaderIsLeftToCodableOrReadAlike() {
        for text in Self.typicalHeaders {
            let bytes = Array(text.utf8)
            for end in 0..<bytes.count {
                let cut = String(decoding: bytes[0..<end], as: UTF8.self)
                if let read = Self.read(cut) { #expect(read == Self.codable(cut), "\(cut)") }
            }
        }
    }
}
