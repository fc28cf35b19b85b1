/// A warm model's optional second compiled form that serves overlapping requests faster (the
/// throughput companion of ``StreamSwitch``), as the lifecycle manager sees it. It costs memory, so
/// the manager decides whether it may exist: it is built only when the budget has room for it without
/// evicting any model, charged while it exists, and released first when memory is needed (before
/// any model is evicted) or when it has been idle.
public protocol CompanionSlot: AnyObject, Sendable {
    /// Registers what to call when the model would like its companion (overlapping requests keep
    /// coming). Called once, when the model becomes warm.
    func whenWanted(_ request: @escaping @Sendable () -> Void)
    /// The companion was not built (no room, pressure, failure): ask again only after a while.
    func refused()
    /// True when the companion exists and has served nothing for its keep time.
    var isIdle: Bool { get }
    /// Lets the companion go; requests running on it finish first (they hold it).
    func release()
}
