/// A warm model handed to one request. While a lease is out, the model is in the foreground class
/// and is never unloaded; give it back with ``ModelManager/release(_:)`` (``ModelManager/withModel(_:_:)``
/// does that for you, on every path).
public struct ModelLease<Model: ResidentModel>: Sendable {
    /// The model's name.
    public let name: String
    /// The resident model.
    public let model: Model
    /// True when the model was not warm when this request asked: it paid a load, or waited for one.
    public let cold: Bool
    /// Read + compile time this request paid (0 when warm, or when it only waited for another's load).
    public let loadMilliseconds: Double
    /// Time spent waiting: for another request's load of this model, or for room in the budget.
    public let queueMilliseconds: Double
    let id: UInt64
}
