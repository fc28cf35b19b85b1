import Core
import Foundation
import InferdWire
import Logging

/// A stand-in for a loaded model: its size and load cost are whatever the test says.
struct FakeModel: ResidentModel {
    let name: String
    let residentBytes: Int64
    let loadMilliseconds: Double
    var footprintBytes: Int64? = nil
}

/// A loader that records every load and gives each model the size the test scripted.
final class FakeLoader: @unchecked Sendable {
    private let lock = NSLock()
    private var sizes: [String: Int64]
    private var costs: [String: Double]
    private(set) var loads: [String] = []
    var failing: Set<String> = []
    /// Footprints the loads report as already measured (as a cache record would give them).
    var footprints: [String: Int64] = [:]
    /// Real seconds each load takes (to let concurrent requests pile up on one load).
    var delay: Double = 0

    init(sizes: [String: Int64], costs: [String: Double] = [:]) {
        self.sizes = sizes
        self.costs = costs
    }

    /// Loads running now, and the most that ran at once.
    private var running = 0
    private(set) var mostAtOnce = 0

    var loadCount: Int { lock.withLock { loads.count } }
    func loads(of name: String) -> Int { lock.withLock { loads.filter { $0 == name }.count } }

    func load(_ bundle: ModelBundle, warmUp: Bool) async throws -> FakeModel {
        lock.withLock {
            running += 1
            mostAtOnce = max(mostAtOnce, running)
        }
        defer { lock.withLock { running -= 1 } }
        if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
        let (size, cost, fails, footprint) = lock.withLock { () -> (Int64, Double, Bool, Int64?) in
            loads.append(bundle.name)
            return (sizes[bundle.name] ?? 1, costs[bundle.name] ?? 10, failing.contains(bundle.name), footprints[bundle.name])
        }
        if fails { throw InferdError(.loadFailed, "scripted failure of \(bundle.name)") }
        return FakeModel(name: bundle.name, residentBytes: size, loadMilliseconds: cost, footprintBytes: footprint)
    }
}

/// A memory probe whose reading tests set.
final class FakeMemory: MemoryProbe, @unchecked Sendable {
    func residentBytes() -> Int64 { 0 }
}

/// Builds a catalog of fake bundles (no files needed beyond a manifest-shaped value).
func fakeCatalog(_ files: [String: Int64]) -> ModelCatalog {
    ModelCatalog(bundles: Dictionary(uniqueKeysWithValues: files.map { name, bytes in
        (name, ModelBundle(manifest: ModelManifest(
            name: name, file: "model.onnx", description: "fake", input: .init(width: 224, height: 224, layout: "NCHW", color: "RGB"),
            normalize: .init(mean: [0, 0, 0], scale: [1, 1, 1]), resize: .init(mode: .squash, shortSide: nil),
            output: .logits, labels: nil, syntheticWeights: true, parameters: nil),
            directory: "/fake/\(name)", modelPath: "/fake/\(name)/model.onnx", fileBytes: bytes, labels: []))
    }), problems: [], directory: "/fake")
}

func makeManager(files: [String: Int64], sizes: [String: Int64]? = nil, budget: Int64, policy: EvictionPolicyKind = .lru,
                 configure: (inout LifecycleConfiguration) -> Void = { _ in },
                 clock: ManualClock = ManualClock(), loader: FakeLoader? = nil) -> (ModelManager<FakeModel>, FakeLoader, ManualClock) {
    let loader = loader ?? FakeLoader(sizes: sizes ?? files)
    var configuration = LifecycleConfiguration(budget: MemoryBudget(bytes: budget, source: "test"), policy: policy,
                                               minimumResidency: 0, initialSizeFactor: 1)
    configure(&configuration)
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let manager = ModelManager<FakeModel>(catalog: fakeCatalog(files), configuration: configuration,
                                          loader: { try await loader.load($0, warmUp: $1) },
                                          clock: clock, memory: FakeMemory(), logger: logger)
    return (manager, loader, clock)
}

extension ModelManager where Model == FakeModel {
    /// One request: acquire and release, returning whether it was cold.
    @discardableResult
    func request(_ name: String) async throws -> Bool {
        let lease = try await acquire(name)
        release(lease)
        return lease.cold
    }

    func warmNames() -> [String] {
        summaries().filter { $0.state == .warm }.map(\.name)
    }
}
