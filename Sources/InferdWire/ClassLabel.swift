/// One ranked class of a classification.
public struct ClassLabel: Codable, Sendable, Equatable {
    /// Class index in the model's output.
    public var index: Int
    /// The class name from the bundle's labels file (`"class N"` when it has none).
    public var label: String
    /// Softmax probability.
    public var probability: Float

    public init(index: Int, label: String, probability: Float) {
        self.index = index
        self.label = label
        self.probability = probability
    }
}
