/// Turns a network's output into ranked labels.
public enum Postprocess {
    /// Numerically stable softmax.
    public static func softmax(_ logits: [Float]) -> [Float] {
        guard let maximum = logits.max() else { return [] }
        let exps = logits.map { expf($0 - maximum) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// The `k` highest scores, best first, with their indices.
    public static func topK(_ scores: [Float], k: Int) -> [(index: Int, score: Float)] {
        guard k > 0 else { return [] }
        var best: [(index: Int, score: Float)] = []
        best.reserveCapacity(k + 1)
        for (index, score) in scores.enumerated() where best.count < k || score > best[best.count - 1].score {
            let position = best.firstIndex { score > $0.score } ?? best.count
            best.insert((index, score), at: position)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}

#if canImport(Glibc)
import Glibc
#endif
