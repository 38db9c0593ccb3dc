import Foundation
import Testing
@testable import Quality

/// The combined model's fit: logistic, least squares and Bradley–Terry over a few named signals.
struct StackerTests {
    /// Rows whose label follows a known logit: 2·a − 1·b (after compression and standardisation), with
    /// `c` pure noise and a third of the `b` values missing.
    static func rows(count: Int, seed: UInt64) -> (rows: [StackerFit.Row], truth: [Double]) {
        var state = seed
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var rows: [StackerFit.Row] = []
        var truth: [Double] = []
        for i in 0..<count {
            let a = uniform() * 4 - 2, b = uniform() * 4 - 2, c = uniform() * 4 - 2
            let logit = 2 * a - (i % 3 == 0 ? 0 : b)
            truth.append(logit)
            let label = uniform() < 1 / (1 + exp(-logit)) ? 1.0 : 0.0
            rows.append(StackerFit.Row(values: [a, i % 3 == 0 ? nil : b, c, i % 3 == 0 ? 1 : 0], target: label, excludedFold: i % 2))
        }
        return (rows, truth)
    }

    static let names = ["a", "b", "c", "b missing"]

    @Test func logisticFitRanksByTheTrueLogitAndIgnoresNoise() {
        let (rows, truth) = Self.rows(count: 4000, seed: 7)
        let model = StackerFit.fit(names: Self.names, rows: rows, loss: .logistic, folds: 1)
        let weights = model.folds[0].weights
        // a counts most, b negatively, c (noise) and the missing indicator barely.
        #expect(weights[0] > 1 && weights[1] < -0.3)
        #expect(abs(weights[2]) < 0.15)
        // The scores rank the rows nearly as the true logit does.
        let scores = rows.map { model.score($0.values, fold: 0) }
        let agreement = RankMetrics.auc(zip(scores, truth).map { ($0, $1 > 0) })
        #expect((agreement ?? 0) > 0.97)
        // Deterministic: the same rows give the same weights, bit for bit.
        #expect(StackerFit.fit(names: Self.names, rows: rows, loss: .logistic, folds: 1) == model)
    }

    @Test func eachFoldLeavesItsOwnRowsOut() {
        var (rows, _) = Self.rows(count: 2000, seed: 11)
        // Fold 0's rows all get label 1: only a fit that saw them would learn a large intercept.
        for i in rows.indices where rows[i].excludedFold == 0 { rows[i].target = 1 }
        let model = StackerFit.fit(names: Self.names, rows: rows, loss: .logistic, folds: 2)
        #expect(model.folds.count == 2)
        #expect(model.folds[1].intercept > model.folds[0].intercept + 0.5)
    }

    @Test func leastSquaresAndBradleyTerryRecoverTheDirection() {
        let (rows, truth) = Self.rows(count: 1000, seed: 3)
        var graded = rows
        for i in graded.indices { graded[i].target = truth[i] }
        let squared = StackerFit.fit(names: Self.names, rows: graded, loss: .squared, folds: 1)
        #expect(squared.folds[0].weights[0] > 0 && squared.folds[0].weights[1] < 0)
        // Pairs: row 2k is preferred over row 2k + 1 when its true logit is higher.
        var pairs: [StackerFit.Row] = []
        for k in stride(from: 0, to: rows.count - 1, by: 2) {
            let (better, worse) = truth[k] >= truth[k + 1] ? (k, k + 1) : (k + 1, k)
            pairs.append(StackerFit.Row(values: rows[better].values, target: 1, pairOf: pairs.count + 1))
            pairs.append(StackerFit.Row(values: rows[worse].values, target: 0))
        }
        let bradleyTerry = StackerFit.fit(names: Self.names, rows: pairs, loss: .bradleyTerry, folds: 1)
        #expect(bradleyTerry.folds[0].weights[0] > 1 && bradleyTerry.folds[0].weights[1] < -0.3)
        #expect(bradleyTerry.folds[0].intercept == 0)
    }
}
