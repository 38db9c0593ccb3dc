import Core
import Filters
import Foundation
import Store
import Testing

/// `curate score --metric heuristics` and `curate filter` against a real store.
@Suite struct ScoringTests {
    /// A store holding English and Chinese documents, clean and junk, plus one exact duplicate.
    static func makeStore() throws -> Store {
        let directory = NSTemporaryDirectory() + "/curate-scoring-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try Store(path: directory + "/curate.db")
        let writer = try DocumentWriter(store: store, runID: 1)
        let texts = [
            FilterRuleTests.prose,
            "Home\nAbout\nContact\nLogin",
            String(repeating: "buy now cheap deals ", count: 50),
            "太阳光看起来是白色的，但它实际上由许多不同颜色的光混合而成。当阳光射入一颗近似球形的水滴时，会在水滴表面发生折射，在水滴内部的背面发生反射，然后再次折射射出。由于不同颜色的光在水中的折射程度略有差别，红光偏折得少一些，紫光偏折得多一些，原本混在一起的白光就被分解开来，形成了从红到紫依次排列的光带。我们在雨后看到的彩虹，就是这样形成的。下次雨停以后，不妨背对太阳找一找它。",
            FilterRuleTests.prose, // exact duplicate
        ] + (1...40).map { "Document \($0): " + FilterRuleTests.prose.replacingOccurrences(of: "harbour", with: "harbour \($0)") }
        try store.connection.transaction {
            for (index, text) in texts.enumerated() {
                let bytes = Array(text.utf8)
                let stored = index % 2 == 0 ? try ZstdCompressor().compress(bytes) : bytes
                _ = try writer.insert(NewDocument(sourceID: 1, sourceKey: "k", position: Int64(index + 1), externalID: "doc-\(index + 1)",
                                                  stored: stored, codec: index % 2 == 0 ? .zstd : .plain, byteLength: bytes.count,
                                                  contentHash: Hash128(of: bytes), metadata: nil))
            }
        }
        return store
    }

    static func score(_ store: Store, threads: Int = 2, metric: [String]? = nil) throws -> HeuristicScoreSummary {
        var options = HeuristicScoreOptions(selection: try ProfileSelection.builtIn())
        options.threads = threads
        if let metric { options.filterNames = metric }
        return try HeuristicScorer(store: store, options: options, console: Console(quiet: true)).run()
    }

    static func dump(_ store: Store) throws -> [String] {
        var rows: [String] = []
        for table in ["document_language"] + heuristicFilters.map({ "stats_" + $0.name }) {
            let statement = try store.connection.prepare("SELECT * FROM \(table) ORDER BY seq")
            while try statement.step() {
                rows.append(table + ":" + (0..<statement.columnCount).map { statement.text(Int32($0)) ?? "NULL" }.joined(separator: "|"))
            }
        }
        return rows
    }

    @Test func scoresEveryFirstCopyOnceAndResumes() throws {
        let store = try Self.makeStore()
        let first = try Self.score(store)
        #expect(first.documents == 44) // 45 documents, one exact duplicate
        #expect(first.languages["zh"] == 1)
        #expect(try Self.score(store).documents == 0) // nothing left to score
        // A run killed halfway leaves some documents without statistics; the next run scores just those.
        try store.connection.execute("DELETE FROM stats_c4 WHERE seq > 20; DELETE FROM stats_fineweb WHERE seq > 30")
        let resumed = try Self.score(store)
        #expect(resumed.documents == 25)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM stats_c4") == 44)
    }

    @Test func statisticsDoNotDependOnTheThreadCount() throws {
        let one = try Self.makeStore(), four = try Self.makeStore()
        try Self.score(one, threads: 1)
        try Self.score(four, threads: 4)
        let a = try Self.dump(one), b = try Self.dump(four)
        #expect(a.count > 44 * 5 - 1)
        #expect(a == b)
    }

    @Test func oneMetricMeasuresOnlyItsOwnStatistics() throws {
        let store = try Self.makeStore()
        try Self.score(store, metric: ["c4"])
        #expect(try store.connection.scalarInt("SELECT count(*) FROM stats_c4") == 44)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM stats_gopher_quality") == 0)
        let funnel = try FilterRunner(store: store, selection: try ProfileSelection.builtIn()).run(write: true)
        #expect(funnel.rules.allSatisfy { $0.rule.hasPrefix("c4.") })
        #expect(try store.connection.scalarText("SELECT gopher_quality FROM filter_verdicts LIMIT 1") == nil)
    }

    @Test func filteringReadsOnlyTheStatistics() throws {
        let store = try Self.makeStore()
        try Self.score(store)
        // Destroy every text: re-filtering must not need them.
        try store.connection.execute("UPDATE documents SET text = x'', codec = 0")
        let runner = FilterRunner(store: store, selection: try ProfileSelection.builtIn())
        let before = try runner.run(write: true)

        #expect(before.documents == 44)
        #expect(before.kept == 42) // the menu and the spam are dropped
        #expect(try store.connection.scalarInt("SELECT count(*) FROM filter_verdicts WHERE kept = 1") == 42)

        // A stricter threshold changes the verdicts at once.
        var strict = try ProfileLoader.builtIn("en")
        strict.gopherQuality.minWords = 150
        var selection = try ProfileSelection.builtIn()
        selection.profiles[0] = strict
        let after = try FilterRunner(store: store, selection: selection).run(write: false)
        #expect(after.kept < before.kept)
        #expect(after.rules.first { $0.rule == "gopher_quality.too_few_words" }!.dropped > before.rules.first { $0.rule == "gopher_quality.too_few_words" }?.dropped ?? 0)
        // A dry run leaves the stored verdicts alone.
        #expect(try store.connection.scalarInt("SELECT count(*) FROM filter_verdicts WHERE kept = 1") == 42)
    }

    @Test func theStoreTablesHoldExactlyTheDeclaredStatistics() throws {
        let store = try Self.makeStore()
        for filter in heuristicFilters {
            let statement = try store.connection.prepare("SELECT name FROM pragma_table_info('stats_\(filter.name)') ORDER BY cid")
            var columns: [String] = []
            while try statement.step() { columns.append(statement.text(0)!) }
            #expect(columns == ["seq", "document_id"] + filter.columns.map(\.name), "\(filter.name)")
        }
    }
}
