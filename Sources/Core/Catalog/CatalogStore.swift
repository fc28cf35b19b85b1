import Synchronization

/// The one owner of the model catalog in a running daemon. Every path reads the current catalog
/// through it — the API, the offload path, metadata — and a SIGHUP rescan swaps it in one step, so
/// no path keeps a copy captured at start.
///
/// The lifecycle manager keeps its own per-model state (warm, cold, counters) and is handed each new
/// catalog right after the swap (``ModelManager/replaceCatalog(_:)``).
public final class CatalogStore: Sendable {
    private let box: Mutex<ModelCatalog>

    /// Starts with `catalog`.
    public init(_ catalog: ModelCatalog) { box = Mutex(catalog) }

    /// The catalog now.
    public var current: ModelCatalog { box.withLock { $0 } }

    /// The bundle called `name` in the current catalog.
    public subscript(name: String) -> ModelBundle? { box.withLock { $0[name] } }

    /// Puts `fresh` in place atomically and returns the catalog it replaced.
    @discardableResult
    public func replace(with fresh: ModelCatalog) -> ModelCatalog {
        box.withLock { current in
            defer { current = fresh }
            return current
        }
    }
}
