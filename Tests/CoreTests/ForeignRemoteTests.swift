import Core
import InferdRuntime
import InferdWire
import Foundation
import Testing

/// What inferd reads from servers that are not inferd: Open Inference metadata as KServe, Triton and
/// MLServer write it, the preprocessing decided from it (or refused), and where a remote's time came from.
@Suite struct ForeignRemoteTests {
    // MARK: Reading the protocol as the specification writes it

    /// KServe 0.21's answer to `GET /v2/models/{m}`, byte for byte.
    static let kserveMetadata = #"{"name":"efficientnet-lite0","versions":null,"platform":"","inputs":[{"name":"input","datatype":"FP32","shape":[1,3,224,224]}],"outputs":[{"name":"logits","datatype":"FP32","shape":[1,1000]}]}"#

    @Test func kserveMetadataWithNullVersionsDecodes() throws {
        let metadata = try JSONDecoder().decode(OpenInference.ModelMetadata.self, from: Data(Self.kserveMetadata.utf8))
        #expect(metadata.versions == nil && metadata.platform == "" && metadata.parameters == nil)
        #expect(metadata.inputs == [TensorDescription(name: "input", datatype: "FP32", shape: [1, 3, 224, 224])])
        let spec = try TensorInputSpec(metadata: metadata)
        #expect(spec.layout == .nchw && spec.size == .fixed(width: 224, height: 224) && spec.normalization == nil && spec.cropShortSide == nil)
    }

    @Test func optionalAndUnknownFieldsAreOptionalAndIgnored() throws {
        // No versions, no platform, no outputs; fields no one asked for (Triton's, MLServer's).
        let sparse = #"{"name":"m","inputs":[{"name":"x","datatype":"UINT8","shape":[-1,-1,-1,3],"parameters":{"content_type":"np"}}],"#
            + #""max_batch_size":0,"parameters":{"content_type":"np","layout":"NHWC"}}"#
        let metadata = try JSONDecoder().decode(OpenInference.ModelMetadata.self, from: Data(sparse.utf8))
        #expect(metadata.versions == nil && metadata.platform == nil && metadata.outputs.isEmpty)
        #expect(metadata.parameters?["layout"] == .string("NHWC"))
        let server = try JSONDecoder().decode(OpenInference.ServerMetadata.self, from: Data(#"{"name":"mlserver","version":"1.7.1"}"#.utf8))
        #expect(server.extensions.isEmpty)
        let answer = #"{"model_name":"m","model_version":null,"id":null,"parameters":null,"outputs":[{"name":"y","shape":[1,2],"datatype":"FP32","data":[0.25,0.75],"parameters":null}],"extra":1}"#
        let response = try JSONDecoder().decode(OpenInference.InferenceResponse.self, from: Data(answer.utf8))
        #expect(response.outputs.first?.data == [0.25, 0.75] && response.modelVersion == nil)
    }

    // MARK: Preprocessing for a foreign server

    static func spec(_ datatype: String, _ shape: [Int64], parameters: [String: OpenInference.Parameter]? = nil) throws -> TensorInputSpec {
        try TensorInputSpec(metadata: OpenInference.ModelMetadata(
            name: "m", versions: nil, platform: nil, inputs: [TensorDescription(name: "input", datatype: datatype, shape: shape)],
            outputs: [], networkInputs: nil, parameters: parameters))
    }

    static let bundle = ModelManifest(name: "m", file: "model.onnx", description: nil,
                                      input: .init(width: 224, height: 224, layout: "NCHW", color: "RGB"),
                                      normalize: .init(mean: [127.5, 127.5, 127.5], scale: [127.5, 127.5, 127.5]),
                                      resize: .init(mode: .crop, shortSide: 256), output: .logits, labels: nil,
                                      syntheticWeights: false, parameters: nil)

    @Test func anFP32InputNothingDescribesIsRefusedWithWhatToConfigure() throws {
        let spec = try Self.spec("FP32", [1, 3, 224, 224])
        #expect {
            try PreprocessingPlan.resolve(model: "m", server: "http://kserve:8080", spec: spec, bundle: nil)
        } throws: { error in
            guard let error = error as? TensorPreparationError, error.code == .unknownNormalization else { return false }
            return error.message.contains("http://kserve:8080") && error.message.contains("--input-normalize")
                && error.message.contains("normalize=") && error.message.contains("parameters.normalize")
        }
    }

    @Test func settingsWinThenMetadataThenTheLocalBundle() throws {
        let bare = try Self.spec("FP32", [1, 3, 224, 224])
        let fromBundle = try PreprocessingPlan.resolve(model: "m", server: "s", spec: bare, bundle: Self.bundle)
        #expect(fromBundle.normalization == TensorNormalization(mean: [127.5, 127.5, 127.5], scale: [127.5, 127.5, 127.5]))
        #expect(fromBundle.normalizationSource == .bundle && fromBundle.cropSource == .bundle)
        #expect(fromBundle.crop == CenterCrop(shortSide: 256, width: 224, height: 224))
        #expect(fromBundle.minimumDecodeSize?.width == 256)

        let declared = try Self.spec("FP32", [1, 3, 224, 224], parameters: ["normalize": .string("imagenet"), "crop_short_side": .int(0)])
        let fromMetadata = try PreprocessingPlan.resolve(model: "m", server: "s", spec: declared, bundle: Self.bundle)
        #expect(fromMetadata.normalization == .imageNet && fromMetadata.normalizationSource == .metadata)
        #expect(fromMetadata.crop == nil && fromMetadata.cropSource == .none, "crop_short_side 0: no crop")

        let settings = PreprocessingSettings(normalization: TensorNormalization(named: "0.5/2"), cropShortSide: 232)
        let configured = try PreprocessingPlan.resolve(model: "m", server: "s", spec: declared, bundle: Self.bundle, settings: settings)
        #expect(configured.normalization == TensorNormalization(mean: [0.5, 0.5, 0.5], scale: [2, 2, 2]))
        #expect(configured.normalizationSource == .configured && configured.crop?.shortSide == 232 && configured.cropSource == .configured)
        #expect(configured.summary.contains("(configured)"))
    }

    @Test func aUINT8InputNeedsNoNormalisationAndTheTensorIsCropped() throws {
        let spec = try Self.spec("UINT8", [1, 224, 224, 3])
        let plan = try PreprocessingPlan.resolve(model: "m", server: "s", spec: spec, bundle: nil)
        #expect(plan.normalization == nil && plan.normalizationSource == .none && plan.crop == nil)
        let cropped = try PreprocessingPlan.resolve(model: "m", server: "s", spec: spec, bundle: Self.bundle)
        let tensor = cropped.tensor(from: PixelBuffer(width: 400, height: 256))
        #expect(tensor.shape == [1, 224, 224, 3] && tensor.datatype == "UINT8" && tensor.bytes.count == 224 * 224 * 3)
        #expect(cropped.crop?.region(width: 400, height: 256).width == 224, "the centre 224 of a 256-high image")
    }

    @Test func normalisationSpellings() {
        #expect(TensorNormalization(named: "unit") == .unitRange && TensorNormalization(named: "IMAGENET") == .imageNet)
        #expect(TensorNormalization(named: "123.675,116.28,103.53/58.395,57.12,57.375") == .imageNet)
        for bad in ["", "mean", "1/0", "1,2/3", "a/b", "1/2/3"] {
            #expect(TensorNormalization(named: bad) == nil, "\(bad)")
        }
        #expect(throws: TensorPreparationError.self) { try Self.spec("FP32", [1, 3, 8, 8], parameters: ["normalize": .string("sometimes")]) }
    }

    @Test func aRemoteCanBeToldHowToPrepareItsInputs() throws {
        let remote = try RemoteServer.parse("http://10.0.0.3:8000 protocol=oip normalize=imagenet crop_short_side=0")
        #expect(try PreprocessingSettings(remote: remote) == PreprocessingSettings(normalization: .imageNet, cropShortSide: 0))
        #expect(throws: ConfigurationError.self) { try PreprocessingSettings(remote: RemoteServer.parse("http://h:1 normalize=bright")) }
        #expect(throws: ConfigurationError.self) { try RemoteServer.parse("http://h:1 crop_short_side=-5") }
    }

    // MARK: Where a remote's time came from

    @Test func aRemoteThatReportsNoTimeIsEstimatedAndTheLinkIsStillLearned() {
        let remote = RemoteServer(url: "http://kserve:8080")
        var planner = OffloadPlanner(remotes: [remote], defaultMode: .auto)
        for (bytes, upload) in [(40_000, 4.0), (400_000, 40.0), (40_000, 4.0), (400_000, 40.0)] {
            // A 1 ms round trip (the TCP connect), 20 ms of remote work inside the 21 ms wait.
            let measured = RemoteTimings(connect: 1, upload: upload, server: 21, download: 0.5, bytesSent: bytes, bytesReceived: 4_000)
            #expect(measured.remoteTime == nil)
            let timings = measured.estimatingRemote(roundTrip: measured.connect)
            #expect(timings.remoteEstimated == 20 && timings.remoteTime?.source == .connectEstimate)
            planner.recordRemote(remote: remote.url, model: "m", imageBytes: bytes, timings: timings,
                                 remoteServeMs: timings.remoteTime?.milliseconds)
        }
        let status = planner.status(now: 0).remotes[0]
        #expect(status.remoteTimeSource == .connectEstimate)
        #expect(status.roundTripMs != nil && status.megabytesPerSecond != nil, "\(status)")
        let prediction = planner.predictRemote(remote: remote, model: "m", imageBytes: 40_000)
        #expect(prediction.map { abs($0 - 26.5) < 1 } == true, "20 ms remote + 6.5 ms network: \(String(describing: prediction))")

        let reported = RemoteTimings(connect: 1, upload: 1, server: 21, download: 0, remoteReported: 18, bytesSent: 1, bytesReceived: 1)
        #expect(reported.estimatingRemote(roundTrip: 1) == reported, "a reported figure is never replaced by an estimate")
        #expect(reported.remoteTime?.source == .reported)
    }
}
