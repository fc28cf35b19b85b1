import Foundation
import InferdRuntime
import InferdWire
import Testing

/// The precision hint reaches the compiled model, and `.auto` lets OpenVINO choose for this CPU.
@Suite struct EngineOptionsTests {
    /// The CPU flags OpenVINO's CPU plugin uses to enable bf16 by default.
    static var cpuHasBF16: Bool {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = Set(info.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        return flags.contains("avx512_bf16") || flags.contains("amx_bf16")
    }

    @Test func f32HintIsWhatTheCompiledModelUses() throws {
        let model = try Fixtures.loaded("squeezenet", precision: .f32)
        #expect(try model.compiled.property("INFERENCE_PRECISION_HINT").lowercased() == "f32")
        #expect(model.loadReport.precision == "f32")
    }

    /// Reports what `.auto` chose on this machine; OpenVINO's CPU plugin picks bf16 when the CPU has
    /// AVX512-BF16 or AMX, f32 otherwise.
    @Test func autoPicksBF16OnlyWhereTheCPUHasIt() throws {
        let model = try Fixtures.loaded("squeezenet", precision: .auto)
        let chosen = try model.compiled.property("INFERENCE_PRECISION_HINT").lowercased()
        print("EngineOptions(precision: .auto) on this CPU (bf16 in cpuinfo: \(Self.cpuHasBF16)): INFERENCE_PRECISION_HINT = \(chosen)")
        #expect(model.loadReport.precision == chosen)
        #expect(chosen == (Self.cpuHasBF16 ? "bf16" : "f32"))
    }

    @Test func autoStillClassifies() throws {
        let model = try Fixtures.loaded("efficientnet-lite0", precision: .auto)
        let decoded = try Fixtures.decode("coffee.jpg", options: model.decodeOptions(maxPixels: DecodeOptions.defaultMaxPixels))
        var timings = StepTimings()
        let top = try model.classify(decoded.pixels, top: 5, timings: &timings)
        print("efficientnet-lite0 at \(model.loadReport.precision): \(top.map { "\($0.label) \($0.probability)" })")
        #expect(top.first?.label == "espresso", "\(top)")
    }
}
