import Core
import Foundation
import Overlap
import Store
import Testing

@Suite struct ExemplarScorerTests {
    static let exemplars = [
        "The harbour was rebuilt after the storm, and the fishing boats came back within a year.",
        "太阳光看起来是白色的，但它实际上由许多不同颜色的光混合而成。",
        "Prime numbers have exactly two divisors: one and the number itself.",
    ]

    static func store(_ texts: [String]) throws -> Store {
        let directory = NSTemporaryDirectory() + "/curate-overlap-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try Store(path: directory + "/curate.db")
        let writer = try DocumentWriter(store: store, runID: 1)
        try store.connection.transaction {
            for (index, text) in texts.enumerated() {
                let bytes = Array(text.utf8)
                _ = try writer.insert(NewDocument(sourceID: 1, sourceKey: "k", position: Int64(index + 1), externalID: "d\(index)",
                                                  stored: bytes, codec: .plain, byteLength: bytes.count, contentHash: Hash128(of: bytes), metadata: nil))
            }
        }
        return store
    }

    @Test(arguments: [OverlapMetric.rouge, .bleu])
    func eachDocumentGetsItsBestExemplar(_ metric: OverlapMetric) throws {
        let documents = [
            Self.exemplars[2],                                                    // identical to exemplar 2
            "After the storm the harbour was rebuilt, and boats came back.",      // close to exemplar 0
            "太阳光看起来是白色的，它由许多颜色的光混合而成。",                          // close to exemplar 1
            "zzz qqq www",                                                         // shares nothing
        ]
        let store = try Self.store(documents)
        let index = ExemplarIndex(texts: Self.exemplars)
        let id = try ExemplarScorer.register(paths: ["exemplars"], index: index, store: store)
        let scorer = ExemplarScorer(store: store, index: index, metric: metric, referenceID: id, threads: 2, console: Console(quiet: true))
        let summary = try scorer.run()
        #expect(summary.documents == 4)
        #expect(summary.withoutCandidates == 1)
        #expect(try scorer.run().documents == 0) // already scored
        let rows = try store.connection.prepare("SELECT score, exemplar FROM overlap_scores ORDER BY seq")
        var results: [(Double, Int)] = []
        while try rows.step() { results.append((rows.double(0), rows.int(1))) }
        #expect(results.map(\.1) == [2, 0, 1, -1])
        #expect(abs(results[0].0 - (metric == .rouge ? 1 : 100)) < 1e-9)
        #expect(results[1].0 > 0 && results[2].0 > 0)
        #expect(results[3].0 == 0)
    }
}
