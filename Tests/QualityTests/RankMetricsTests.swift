import XCTest
@testable import Quality

final class RankMetricsTests: XCTestCase {
    func testAUCCountsTiesHalf() throws {
        // good: 3, 2; bad: 2, 1 → pairs (3>2 ✓, 3>1 ✓, 2=2 ½, 2>1 ✓) = 3.5 / 4.
        let auc = try XCTUnwrap(RankMetrics.auc([(3, true), (2, true), (2, false), (1, false)]))
        XCTAssertEqual(auc, 0.875, accuracy: 1e-12)
        XCTAssertNil(RankMetrics.auc([(1, true), (2, true)]))
        XCTAssertEqual(RankMetrics.auc([(1, true), (2, false)]), 0)
    }

    func testConcordanceEqualsAUCForBinaryLabels() throws {
        let scored: [(Double, Bool)] = [(0.3, true), (0.9, false), (0.5, true), (0.1, false), (0.5, false), (0.7, true)]
        let auc = try XCTUnwrap(RankMetrics.auc(scored.map { ($0.0, $0.1) }))
        let c = try XCTUnwrap(RankMetrics.concordance(scored.map { ($0.0, $0.1 ? 1 : 0) }))
        XCTAssertEqual(auc, c, accuracy: 1e-12)
    }

    func testTopShareBreaksTiesByKey() throws {
        let scored: [(score: Double, label: Double, tieBreak: Int64)] = [(1, 0, 2), (1, 1, 1), (0, 1, 3), (0, 0, 4)]
        XCTAssertEqual(RankMetrics.topShare(scored, fraction: 0.25), 1)
        XCTAssertEqual(RankMetrics.topShare(scored, fraction: 0.5), 0.5)
        XCTAssertEqual(RankMetrics.topShare(scored, fraction: 1), 0.5)
    }
}
