/// Throughput companions (``CompanionSlot``): the manager decides whether a warm model may have one,
/// charges it against the budget while it exists and takes it back first when memory is needed.
///
/// - A companion is built only when the budget has room for it *without evicting anything*, with no
///   memory pressure, through the load gate and alone there (so its own and the loads' memory figures
///   stay clean). It is charged its measured size (at first the model's own charge, as an estimate);
///   with file accounting, the model's own file charge.
/// - It is released — before any model is evicted — when pressure is reported or a trim runs, when a
///   load needs room, when a measured size or footprint puts the charges over the budget, when it has
///   been idle for its keep time (the keep-alive sweep), and with its model.
extension ModelManager {
    /// Registers `model`'s wish for a companion, when it can have one and a companion loader is set.
    func offerCompanion(_ name: String, _ model: Model) {
        guard companionLoader != nil, let slot = model.companionSlot else { return }
        slot.whenWanted { [weak self] in
            Task { await self?.buildCompanion(name) }
        }
    }

    /// Builds `name`'s companion if there is room for it now; tells the model when there is not.
    func buildCompanion(_ name: String) async {
        guard let slot = entries[name]?.model?.companionSlot else { return }
        if let refusal = companionRefusal(name) {
            refuse(name, slot, refusal)
            return
        }
        await enterLoadGate()
        defer { leaveLoadGate() }
        // The world may have changed while this waited for the gate.
        guard let loads = entries[name]?.loads, let model = entries[name]?.model, let companionLoader else {
            slot.refused()
            return
        }
        if let refusal = companionRefusal(name) {
            refuse(name, slot, refusal)
            return
        }
        let estimate = entries[name]!.measuredBytes ?? model.residentBytes
        entries[name]!.companionBytes = estimate
        entries[name]!.companionBuilding = true
        companionBuildsRunning += 1
        // Builds run alone in the load gate: whatever happened meanwhile, this one is over when the loader returns.
        let bytes: Int64
        do {
            bytes = try await companionLoader(model)
            companionBuildEnded(name)
        } catch {
            companionBuildEnded(name)
            if entries[name]?.loads == loads { entries[name]!.companionBytes = 0 }
            refuse(name, slot, "building it failed: \(error)")
            return
        }
        // Evicted (or reloaded) meanwhile: the companion went with the model it was built for.
        guard entries[name]?.state == .warm, entries[name]?.loads == loads else {
            slot.release()
            return
        }
        // File accounting charges the companion as it charges the model (its file charge): the budget
        // stays predictable from file sizes alone.
        entries[name]!.companionBytes = configuration.sizeAccounting == .file ? estimate : max(1, bytes)
        entries[name]!.companionBuilds += 1
        if usedBytes() > configuration.budget.bytes || pressure != .none {
            let why = pressure != .none ? "memory pressure (\(pressure.rawValue)) came while it was built"
                : "it measured \(formatBytes(bytes)), more than the budget has room for"
            release(name, reason: why)
            slot.refused()
            return
        }
        logger.info("companion of \(name) built", metadata: [
            "event": "companion-built", "model": "\(name)", "bytes": "\(bytes)", "estimated_bytes": "\(estimate)"])
    }

    /// Marks `name`'s companion build as over and wakes whoever waits for it (``drain()`` must not
    /// return while the engine still compiles: the process would exit under it).
    private func companionBuildEnded(_ name: String) {
        entries[name]?.companionBuilding = false
        companionBuildsRunning -= 1
        waiters.resumeAll()
    }

    /// Why `name` may not have a companion now; nil: it may.
    private func companionRefusal(_ name: String) -> String? {
        guard let entry = entries[name], entry.state == .warm, entry.model != nil else { return "the model is not warm" }
        if draining { return "the daemon is shutting down" }
        if entry.companionBytes > 0 { return "it has one" }
        if pressure != .none { return "memory pressure is \(pressure.rawValue)" }
        let need = entry.measuredBytes ?? entry.model!.residentBytes
        let used = usedBytes()
        if used + need > configuration.budget.bytes {
            return "it would need \(formatBytes(need)) and \(formatBytes(configuration.budget.bytes - used)) of the budget is free"
        }
        return nil
    }

    private func refuse(_ name: String, _ slot: any CompanionSlot, _ reason: String) {
        slot.refused()
        logger.info("no companion for \(name): \(reason)", metadata: ["event": "companion-refused", "model": "\(name)"])
    }

    /// Releases every companion (memory is needed). Requests running on one finish first.
    func releaseCompanions(reason: String) {
        for name in entries.keys.sorted() where entries[name]!.companionBytes > 0 && !entries[name]!.companionBuilding {
            release(name, reason: reason)
        }
    }

    /// Releases the companions that have served nothing for their keep time.
    func releaseIdleCompanions() {
        for name in entries.keys.sorted() where entries[name]!.companionBytes > 0 && !entries[name]!.companionBuilding {
            if entries[name]!.model?.companionSlot?.isIdle == true { release(name, reason: "idle") }
        }
    }

    private func release(_ name: String, reason: String) {
        let bytes = entries[name]!.companionBytes
        entries[name]!.companionBytes = 0
        entries[name]!.model?.companionSlot?.release()
        waiters.resumeAll()
        logger.info("companion of \(name) released: \(reason)", metadata: [
            "event": "companion-released", "model": "\(name)", "bytes": "\(bytes)", "reason": "\(reason)"])
    }
}
