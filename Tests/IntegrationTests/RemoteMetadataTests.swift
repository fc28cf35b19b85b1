import Core
import InferdWire
import Foundation
@testable import InferdClient
import Testing

/// The client's side of foreign remotes without a server: metadata that follows a redeploy, errors
/// that name the field and the server, and the `Server-Timing` header.
@Suite struct RemoteMetadataTests {
    static func metadata(_ datatype: String, _ shape: [Int64], state: String? = nil) -> OpenInference.ModelMetadata {
        OpenInference.ModelMetadata(name: "m", versions: nil, platform: "", inputs: [TensorDescription(name: "input", datatype: datatype, shape: shape)],
                                    outputs: [TensorDescription(name: "logits", datatype: "FP32", shape: [1, 1000])], networkInputs: nil,
                                    parameters: state.map { ["state": .string($0)] })
    }

    @Test func metadataIsTrustedForItsAgeAndAChangeIsReported() {
        let cache = RemoteMetadataCache(maxAge: 30)
        let fp32 = Self.metadata("FP32", [1, 3, 224, 224])
        #expect(cache.fresh("m", now: 0) == nil)
        #expect(cache.store(fp32, for: "m", now: 0) == nil, "the first fetch is no change")
        #expect(cache.fresh("m", now: 29.9) == fp32)
        #expect(cache.fresh("m", now: 30) == nil, "stale: read again")
        #expect(cache.store(fp32, for: "m", now: 30) == nil, "the same again")
        cache.invalidate("m")
        #expect(cache.fresh("m", now: 31) == nil, "invalidated: read again")
        let change = cache.store(Self.metadata("UINT8", [1, 224, 224, 3]), for: "m", now: 31)
        #expect(change?.inputChanged == true)
        #expect(change?.description == #"m: inputs "input" FP32 [1,3,224,224] → "input" UINT8 [1,224,224,3]"#, "\(String(describing: change))")
        cache.invalidateAll()
        #expect(cache.fresh("m", now: 31) == nil)
    }

    @Test func inferdsChangingStateIsNotARedeploy() {
        let cache = RemoteMetadataCache()
        cache.store(Self.metadata("UINT8", [1, -1, -1, 3], state: "cold"), for: "m", now: 0)
        #expect(cache.store(Self.metadata("UINT8", [1, -1, -1, 3], state: "warm"), for: "m", now: 40) == nil)
    }

    @Test func whichFailuresRefreshTheMetadata() {
        func failure(_ status: Int) -> ClientError { ClientError(.requestFailed, "failed", endpoint: "http://x:1", status: status) }
        for status in [400, 404, 409, 422, 500, 503] { #expect(RemoteClassifier.mayMeanChangedModel(failure(status)), "\(status)") }
        for status in [401, 403, 413, 429] { #expect(!RemoteClassifier.mayMeanChangedModel(failure(status)), "\(status)") }
        #expect(!RemoteClassifier.mayMeanChangedModel(ClientError(.daemonUnreachable, "refused", endpoint: "http://x:1")))
    }

    @Test func aBadAnswerNamesTheFieldAndTheServer() throws {
        let client = InferdClient(endpoint: try Endpoint(parsing: "http://127.0.0.1:9"))
        let body = Array(#"{"name":"m","inputs":[{"name":"input","datatype":"FP32","shape":null}],"outputs":[]}"#.utf8)
        #expect {
            _ = try client.decode(OpenInference.ModelMetadata.self, from: body, status: 200, text: String(decoding: body, as: UTF8.self))
        } throws: { error in
            let message = (error as? ClientError)?.message ?? ""
            return message.contains("127.0.0.1:9") && message.contains(#"field "inputs[0].shape": expected an array, found null"#)
        }
        let missing = Array(#"{"inputs":[]}"#.utf8)
        #expect {
            _ = try client.decode(OpenInference.ModelMetadata.self, from: missing, status: 200, text: "")
        } throws: { error in
            ((error as? ClientError)?.message ?? "").contains(#"required field "name" is missing"#)
        }
    }

    @Test func serverTimingGivesTheRemotesTime() {
        #expect(ServerTiming(parsing: #"db;dur=53, app;dur=47.2;desc="work", total;dur=101.5"#).total == 101.5)
        #expect(ServerTiming(parsing: "inference;dur=12, preprocess;dur=3").total == 12, "no total: the longest")
        #expect(ServerTiming(parsing: "miss, cache;desc=hit").total == nil)
        let response = HTTPResponse(status: 200, reason: "OK", headers: [("Server-Timing", "infer;dur=7.5")], body: [],
                                    timings: { var t = ClientTimings(); t.connect = 0.2; t.wait = 9; return t }())
        let timings = response.remoteTimings()
        #expect(timings.remoteReported == 7.5 && timings.remoteSource == .serverTiming)
        let body = response.remoteTimings(remoteReported: 8)
        #expect(body.remoteReported == 8 && body.remoteSource == .reported, "the body's own figure comes first")
        let silent = HTTPResponse(status: 200, reason: "OK", headers: [], body: []).remoteTimings()
        #expect(silent.remoteReported == nil && silent.remoteSource == nil)
    }
}
