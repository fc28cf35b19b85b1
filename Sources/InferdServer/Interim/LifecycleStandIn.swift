// TEMPORARY: a minimal stand-in for Core's Lifecycle (ModelManager and friends), written against the
// interface the lead announced, so the server builds and runs before that code lands on main.
// Delete this file when merging main brings Sources/Core/Lifecycle: Core's types then take over
// (declarations in this module shadow Core's until then).
import Core
import Foundation
import Logging
import Synchronization

/// A model the manager can hold resident.
public protocol ResidentModel: Sendable {
    var residentBytes: Int64 { get }
    var loadMilliseconds: Double { get }
}

extension LoadedModel: ResidentModel {
    public var residentBytes: Int64 { loadReport.residentBytes }
    public var loadMilliseconds: Double { loadReport.totalMilliseconds }
}

/// A model checked out for one request.
public struct ModelLease<Model: ResidentModel>: Sendable {
    public let name: String
    public let model: Model
    public let cold: Bool
    public let loadMilliseconds: Double
    public let queueMilliseconds: Double
}

public enum PressureLevel: String, Sendable, Codable { case none, moderate, critical }

/// Lifecycle settings (stand-in: only what the interim manager uses).
public struct LifecycleConfiguration: Sendable {
    public var preload: [String] = []
    public var pinned: [String] = []
    public var policy: String = "lru"
    public init() {}
}

/// The manager's view of itself for `/v1/status`.
public struct LifecycleStatus: Sendable {
    public var budgetBytes: Int64
    public var budgetSource: String
    public var usedBytes: Int64
    public var policy: String
    public var pressure: PressureLevel
    public var counters: StatusResponse.Counters
    public var modelsWarm: Int
    public var modelsTotal: Int
}

/// Stand-in manager: loads on first use (one load per model even with concurrent first requests,
/// loads serialised), keeps everything warm, counts requests, drains.
public actor ModelManager<Model: ResidentModel> {
    private struct Entry {
        var model: Model?
        var loading: Task<Model, any Error>?
        var failure: String?
        var pinned = false
        var requests = 0
        var coldStarts = 0
        var inFlight = 0
        var loads = 0
        var evictions = 0
        var lastUsed: Double?
        var lastLoadMs: Double?
    }

    private var catalog: ModelCatalog
    private let configuration: LifecycleConfiguration
    private let loader: @Sendable (ModelBundle) async throws -> Model
    private let logger: Logger
    private var entries: [String: Entry] = [:]
    private var counters = StatusResponse.Counters()
    private var draining = false
    private var loadChain: Task<Void, Never>?
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    public init(catalog: ModelCatalog, configuration: LifecycleConfiguration,
                loader: @escaping @Sendable (ModelBundle) async throws -> Model, logger: Logger) {
        self.catalog = catalog
        self.configuration = configuration
        self.loader = loader
        self.logger = logger
        for name in configuration.pinned { entries[name, default: Entry()].pinned = true }
    }

    public func acquire(_ name: String) async throws(InferdError) -> ModelLease<Model> {
        guard !draining else { throw InferdError(.shuttingDown, "inferd is shutting down") }
        guard let bundle = catalog[name] else { throw InferdError(.unknownModel, "no model named \"\(name)\"") }
        let watch = Stopwatch()
        entries[name, default: Entry()].inFlight += 1
        counters.requests += 1
        entries[name]!.requests += 1
        if let model = entries[name]!.model {
            counters.hits += 1
            entries[name]!.lastUsed = Date().timeIntervalSince1970
            return ModelLease(name: name, model: model, cold: false, loadMilliseconds: 0, queueMilliseconds: 0)
        }
        counters.coldStarts += 1
        entries[name]!.coldStarts += 1
        let task: Task<Model, any Error>
        let leader: Bool
        if let existing = entries[name]!.loading {
            task = existing
            leader = false
        } else {
            let previous = loadChain
            let loader = self.loader
            task = Task {
                await previous?.value
                return try await loader(bundle)
            }
            loadChain = Task { _ = try? await task.value }
            entries[name]!.loading = task
            leader = true
        }
        do {
            let model = try await task.value
            if leader {
                entries[name]!.loading = nil
                entries[name]!.model = model
                entries[name]!.loads += 1
                entries[name]!.failure = nil
                entries[name]!.lastLoadMs = model.loadMilliseconds
                counters.loads += 1
                logger.info("loaded", metadata: ["model": "\(name)", "ms": "\(Int(model.loadMilliseconds))"])
            }
            entries[name]!.lastUsed = Date().timeIntervalSince1970
            let waited = watch.elapsedMilliseconds
            let load = leader ? model.loadMilliseconds : 0
            return ModelLease(name: name, model: model, cold: true, loadMilliseconds: load,
                              queueMilliseconds: max(0, waited - load))
        } catch {
            if leader {
                entries[name]!.loading = nil
                entries[name]!.failure = "\(error)"
                counters.loadFailures += 1
            }
            finish(name)
            throw InferdError(.loadFailed, "cannot load \(name): \(error)")
        }
    }

    public func release(_ lease: ModelLease<Model>) { finish(lease.name) }

    private func finish(_ name: String) {
        entries[name]?.inFlight -= 1
        if draining, entries.values.allSatisfy({ $0.inFlight == 0 && $0.loading == nil }) {
            for waiter in drainWaiters { waiter.resume() }
            drainWaiters = []
        }
    }

    public nonisolated func withModel<T: Sendable>(_ name: String, _ body: @Sendable (ModelLease<Model>) async throws -> T) async throws -> T {
        let lease = try await acquire(name)
        do {
            let result = try await body(lease)
            await release(lease)
            return result
        } catch {
            await release(lease)
            throw error
        }
    }

    public func load(_ name: String) async throws(InferdError) -> ModelSummary {
        let lease = try await acquire(name)
        entries[name]!.requests -= 1
        counters.requests -= 1
        release(lease)
        return try summary(name)
    }

    public func unload(_ name: String) async throws(InferdError) -> ModelSummary {
        guard catalog[name] != nil else { throw InferdError(.unknownModel, "no model named \"\(name)\"") }
        if entries[name]?.model != nil, entries[name]!.inFlight == 0 {
            entries[name]!.model = nil
            entries[name]!.evictions += 1
            counters.evictions["manual", default: 0] += 1
        }
        return try summary(name)
    }

    public func setPinned(_ name: String, _ pinned: Bool) throws(InferdError) -> ModelSummary {
        guard catalog[name] != nil else { throw InferdError(.unknownModel, "no model named \"\(name)\"") }
        entries[name, default: Entry()].pinned = pinned
        return try summary(name)
    }

    public func setKeepAlive(_ name: String, seconds: Double?) throws(InferdError) -> ModelSummary {
        try summary(name)
    }

    public func trim(_ level: PressureLevel) async -> [String] { [] }

    public func summaries() -> [ModelSummary] {
        catalog.names.compactMap { try? summary($0) }
    }

    public func summary(_ name: String) throws(InferdError) -> ModelSummary {
        guard let bundle = catalog[name] else { throw InferdError(.unknownModel, "no model named \"\(name)\"") }
        let entry = entries[name] ?? Entry()
        let state: ModelSummary.State = entry.model != nil ? .warm : entry.loading != nil ? .loading : entry.failure != nil ? .failed : .cold
        return ModelSummary(name: name, state: state, priorityClass: entry.pinned ? .pinned : nil, pinned: entry.pinned,
                            bytes: entry.model?.residentBytes ?? bundle.fileBytes, bytesEstimated: entry.model == nil,
                            fileBytes: bundle.fileBytes, lastUsed: entry.lastUsed, expiresAt: nil, requests: entry.requests,
                            coldStarts: entry.coldStarts, inFlight: entry.inFlight, loads: entry.loads, evictions: entry.evictions,
                            lastLoadMilliseconds: entry.lastLoadMs, failure: entry.failure,
                            description: bundle.manifest.description, syntheticWeights: bundle.manifest.syntheticWeights)
    }

    public func status() -> LifecycleStatus {
        let used = entries.values.compactMap(\.model).reduce(Int64(0)) { $0 + $1.residentBytes }
        return LifecycleStatus(budgetBytes: 0, budgetSource: "none (interim manager)", usedBytes: used, policy: configuration.policy,
                               pressure: .none, counters: counters, modelsWarm: entries.values.filter { $0.model != nil }.count,
                               modelsTotal: catalog.bundles.count)
    }

    public func replaceCatalog(_ catalog: ModelCatalog) async {
        self.catalog = catalog
        for name in entries.keys where catalog[name] == nil { entries[name]?.model = nil }
    }

    public func preload() async {
        for name in configuration.preload {
            _ = try? await load(name)
        }
    }

    public func drain() async {
        draining = true
        if entries.values.allSatisfy({ $0.inFlight == 0 && $0.loading == nil }) { return }
        await withCheckedContinuation { drainWaiters.append($0) }
    }

    public func tick() async {}
}
