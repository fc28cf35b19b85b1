/// What the planner needs to know about running a request here, from the lifecycle manager.
public struct LocalSituation: Sendable, Equatable {
    /// The model is warm here: no load to pay.
    public var warm: Bool
    /// Loading the model here can fit the memory budget (false: the load would be refused with 507,
    /// or the room is held by pinned and busy models).
    public var fitsBudget: Bool
    /// The last kernel memory pressure level.
    public var pressure: PressureLevel
    /// The model file's size, for a load-time prior before this model was ever loaded.
    public var fileBytes: Int64

    public init(warm: Bool, fitsBudget: Bool = true, pressure: PressureLevel = .none, fileBytes: Int64) {
        self.warm = warm
        self.fitsBudget = fitsBudget
        self.pressure = pressure
        self.fileBytes = fileBytes
    }
}
