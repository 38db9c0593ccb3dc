import Foundation

/// How well a ranking puts good documents first.
public enum RankMetrics {
    /// ROC AUC: the probability that a random good document scores above a random bad one, ties counting
    /// half (the Mann–Whitney U statistic over n_good · n_bad). nil without both classes.
    public static func auc(_ scored: [(score: Double, good: Bool)]) -> Double? {
        let good = scored.filter(\.good).count, bad = scored.count - good
        guard good > 0, bad > 0 else { return nil }
        let sorted = scored.sorted { $0.score < $1.score }
        // Sum of the good documents' mid-ranks (1-based), ties sharing their average rank.
        var rankSum = 0.0
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1].score == sorted[i].score { j += 1 }
            let midRank = Double(i + j) / 2 + 1
            for k in i...j where sorted[k].good { rankSum += midRank }
            i = j + 1
        }
        let u = rankSum - Double(good) * Double(good + 1) / 2
        return u / (Double(good) * Double(bad))
    }

    /// Harrell's concordance for graded labels: over pairs with different grades, the fraction the scores
    /// order the same way (ties in score count half). Equals the AUC for 0/1 labels.
    public static func concordance(_ scored: [(score: Double, grade: Double)]) -> Double? {
        var concordant = 0.0, pairs = 0.0
        for a in scored.indices {
            for b in scored.indices where scored[a].grade > scored[b].grade {
                pairs += 1
                if scored[a].score > scored[b].score { concordant += 1 } else if scored[a].score == scored[b].score { concordant += 0.5 }
            }
        }
        return pairs > 0 ? concordant / pairs : nil
    }

    /// The mean label (the good share, for 0/1 labels) of the best `fraction` of the documents; ties in
    /// score are ordered by `tieBreak` (e.g. document id), so the figure is deterministic.
    public static func topShare(_ scored: [(score: Double, label: Double, tieBreak: Int64)], fraction: Double) -> Double? {
        guard !scored.isEmpty else { return nil }
        let sorted = scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.tieBreak < $1.tieBreak) }
        let count = max(1, Int((fraction * Double(sorted.count)).rounded()))
        return sorted.prefix(count).reduce(0) { $0 + $1.label } / Double(count)
    }

    /// Points of the ROC curve (false-positive rate, true-positive rate), from the best score down.
    public static func rocCurve(_ scored: [(score: Double, good: Bool)]) -> [(Double, Double)] {
        let good = Double(scored.filter(\.good).count), bad = Double(scored.count) - good
        guard good > 0, bad > 0 else { return [] }
        let sorted = scored.sorted { $0.score > $1.score }
        var points: [(Double, Double)] = [(0, 0)]
        var tp = 0.0, fp = 0.0, i = 0
        while i < sorted.count {
            var j = i
            while j < sorted.count && sorted[j].score == sorted[i].score {
                if sorted[j].good { tp += 1 } else { fp += 1 }
                j += 1
            }
            points.append((fp / bad, tp / good))
            i = j
        }
        return points
    }
}
