import Core
import Foundation
import Store
import Testing
@testable import Dedup

/// The pairs to verify come grouped by candidate component, so that a batch shingles each document once.
@Suite struct VerifyOrderTests {
    @Test func pairsComeGroupedByComponentAndOnlyThoseToVerify() throws {
        let path = try SamplesDedupTests.scratch() + "/order.db"
        let store = try Store(path: path)
        // Two components interleaved in key order ({1, 4, 9} and {2, 3, 7}), a pair below the margin and
        // one already verified, which are left out.
        let rows: [(Int64, Int64, Double, Double?)] = [(1, 4, 0.9, nil), (2, 3, 0.8, nil), (3, 7, 0.9, nil), (4, 9, 0.9, nil),
                                                       (5, 6, 0.1, nil), (2, 8, 0.9, 0.95)]
        let insert = try store.connection.prepare("INSERT INTO dedup_pairs (seq_a, seq_b, jaccard, exact) VALUES (?, ?, ?, ?)")
        for (a, b, jaccard, exact) in rows {
            try insert.bind([.integer(a), .integer(b), .real(jaccard), exact.map { .real($0) } ?? .null])
            try insert.run()
            insert.reset()
        }
        let condition = "exact IS NULL AND jaccard >= 0.5"
        try Clustering.orderByComponent(store.connection, condition: condition)
        let order = try store.connection.prepare("SELECT seq_a, seq_b FROM temp.verify_order ORDER BY rowid")
        var pairs: [[Int64]] = []
        while try order.step() { pairs.append([order.int64(0), order.int64(1)]) }
        #expect(pairs == [[1, 4], [4, 9], [2, 3], [3, 7]])
        // Again (a resumed verification): the table is made anew from what is left.
        try store.connection.execute("UPDATE dedup_pairs SET exact = 0.9 WHERE seq_a = 1")
        try Clustering.orderByComponent(store.connection, condition: condition)
        let again = try store.connection.scalarInt("SELECT count(*) FROM temp.verify_order")
        #expect(again == 3)
    }
}
