import Core

/// The real resident model: what the lifecycle manager charges and weighs for a loaded one.
extension LoadedModel: ResidentModel {
    public var residentBytes: Int64 { loadReport.residentBytes }
    public var loadMilliseconds: Double { loadReport.totalMilliseconds }
    public var footprintBytes: Int64? { loadReport.footprintBytes }
    public var companionSlot: (any CompanionSlot)? { streams.isEnabled ? streams : nil }
}
