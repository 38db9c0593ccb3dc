import Core
import Foundation
import Store
import Testing

/// `curate ingest samples/ && curate score --metric perplexity && curate dedup && curate export --top 0.3`
/// through the binary, and what the shards must hold.
@Suite(.serialized) struct ExportCommandTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples").path

    struct Line {
        var id: Int64
        var perplexity: Double
        var score: Double
        var text: String
    }

    /// The documents of an export, in shard order.
    static func read(_ directory: String) throws -> [Line] {
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/manifest.json"))) as! [String: Any]
        var lines: [Line] = []
        for shard in manifest["shards"] as! [[String: Any]] {
            try ZstdLines.forEach(path: directory + "/" + (shard["file"] as! String)) { bytes in
                let object = try JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Any]
                let curate = (object["metadata"] as! [String: Any])["curate"] as! [String: Any]
                lines.append(Line(id: Int64(curate["id"] as! String)!, perplexity: (curate["perplexity"] as! NSNumber).doubleValue,
                                  score: (curate["score"] as! NSNumber).doubleValue, text: object["text"] as! String))
            }
        }
        return lines
    }

    static func ids(_ store: Store, _ sql: String) throws -> Set<Int64> {
        let statement = try store.connection.prepare(sql)
        var ids = Set<Int64>()
        while try statement.step() { ids.insert(statement.int64(0)) }
        return ids
    }

    @Test func theTopThirtyPercentInPerplexityOrderWithoutDuplicatesOrFilteredDocuments() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        for arguments in [["ingest", Self.samples, "--quiet"], ["score", "--metric", "perplexity", "--quiet"], ["dedup", "--quiet"],
                          ["export", "--top", "0.3", "--out", "out", "--shard-size", "20K"]] {
            let result = try runner.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let lines = try Self.read(scratch.path + "/out")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path + "/out/manifest.json"))) as! [String: Any]
        let shards = manifest["shards"] as! [[String: Any]]
        #expect(shards.count >= 3, "a small shard size gives several shards, so order is checked across their boundaries")

        // No document was scored by a reference half that saw a near copy of it (score found the
        // duplicates before training): such copies come out with perplexities near 1.
        #expect((lines.first?.perplexity ?? 0) > 20, "best perplexity \(lines.first?.perplexity ?? 0)")
        // Non-decreasing perplexity over all lines, shard after shard.
        for index in lines.indices.dropFirst() {
            #expect(lines[index - 1].perplexity <= lines[index].perplexity, "line \(index)")
        }
        let store = try Store(path: scratch.path + "/curate.db", create: false)
        let exported = Set(lines.map(\.id))
        #expect(exported.count == lines.count, "no document twice")
        #expect(Set(lines.map(\.text)).count == lines.count, "no two documents with the same text")
        // No duplicates: neither ingest's byte-identical copies nor dedup's near duplicates.
        let duplicates = try Self.ids(store, "SELECT id FROM documents WHERE duplicate_of IS NOT NULL")
            .union(Self.ids(store, "SELECT document_id FROM dedup_clusters WHERE duplicate_of IS NOT NULL"))
        #expect(!duplicates.isEmpty)
        #expect(exported.isDisjoint(with: duplicates))
        // No document the filters drop.
        let filtered = try Self.ids(store, "SELECT document_id FROM filter_verdicts WHERE kept = 0")
        #expect(!filtered.isEmpty)
        #expect(exported.isDisjoint(with: filtered))
        // 30% of the ranked documents, and they are the best 30%.
        let ranked = try store.connection.scalarInt("SELECT count(*) FROM export_ranking") ?? 0
        #expect(lines.count == Int((Double(ranked) * 0.3).rounded()))
        let cut = try store.connection.prepare("SELECT max(score) FROM (SELECT score FROM export_ranking ORDER BY sort_key, document_id LIMIT ?)")
        cut.bind(1, lines.count)
        #expect(try cut.step())
        #expect(abs((lines.last?.score ?? 0) - cut.double(0)) < 1e-9 * cut.double(0))
        let next = try store.connection.prepare("SELECT min(score) FROM (SELECT score FROM export_ranking ORDER BY sort_key, document_id LIMIT -1 OFFSET ?)")
        next.bind(1, lines.count)
        #expect(try next.step())
        #expect(next.double(0) >= cut.double(0), "everything left out ranks after what was exported")

        // --verify passes; a damaged or missing shard fails it.
        let verified = try runner.run(["export", "--verify", "out"])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("all match the manifest"))
        let second = scratch.path + "/out/" + (shards[1]["file"] as! String)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: second))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: second))
        let damaged = try runner.run(["export", "--verify", "out"])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("SHA-256 differs"))
        try FileManager.default.removeItem(atPath: second)
        #expect(try runner.run(["export", "--verify", "out"]).stderr.contains("missing"))
    }

    @Test func twoExportsOfOneStoreAreByteIdentical() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        for arguments in [["ingest", Self.samples, "--quiet"], ["score", "--metric", "perplexity", "--quiet"], ["dedup", "--quiet"]] {
            #expect(try runner.run(arguments).status == 0)
        }
        for (directory, threads) in [("a", "2"), ("b", "1")] {
            let result = try runner.run(["export", "--top", "0.5", "--shard-size", "40K", "--drop-repeated-lines", "--out", directory, "--threads", threads])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/a").sorted()
        #expect(files.contains("manifest.json") && files.count >= 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/b").sorted() == files)
        for file in files {
            let a = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/a/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/b/" + file))
            #expect(a == b, "\(file) differs between the two exports")
        }
        // Other orders hold the same documents; random is seeded, reverse is quality backwards.
        #expect(try runner.run(["export", "--top", "0.5", "--order", "reverse", "--out", "r", "--drop-repeated-lines"]).status == 0)
        #expect(try runner.run(["export", "--top", "0.5", "--order", "random", "--seed", "7", "--out", "s"]).status == 0)
        let quality = try Self.read(scratch.path + "/a"), reverse = try Self.read(scratch.path + "/r"), random = try Self.read(scratch.path + "/s")
        #expect(reverse.map(\.id) == quality.map(\.id).reversed())
        #expect(Set(random.map(\.id)) == Set(quality.map(\.id)))
        #expect(random.map(\.id) != quality.map(\.id))
    }
}

extension ExportCommandTests {
    /// --per-language: each language's documents ranked by their percentile within it, so a cut keeps
    /// the same fraction of every language.
    @Test func perLanguageRankingKeepsTheSameFractionOfEveryLanguage() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        for arguments in [["ingest", Self.samples, "--quiet"], ["score", "--metric", "perplexity", "--quiet"], ["dedup", "--quiet"],
                          ["export", "--top", "1", "--out", "all", "--quiet"], ["export", "--top", "0.3", "--per-language", "--out", "top", "--quiet"]] {
            let result = try runner.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let store = try Store(path: scratch.path + "/curate.db", create: false)
        var language: [Int64: String] = [:]
        let statement = try store.connection.prepare("SELECT document_id, language FROM export_ranking")
        while try statement.step() { language[statement.int64(0)] = statement.text(1) ?? "" }
        let all = try Self.read(scratch.path + "/all"), top = try Self.read(scratch.path + "/top")
        var ranked: [String: Int] = [:], kept: [String: [Double]] = [:]
        for line in all { ranked[language[line.id]!, default: 0] += 1 }
        for line in top { kept[language[line.id]!, default: []].append(line.perplexity) }
        #expect(ranked.keys.count >= 2)
        for (name, count) in ranked {
            let share = Double(kept[name]?.count ?? 0) / Double(count)
            #expect(abs(share - 0.3) <= 1.5 / Double(count) + 0.01, "\(name): \(kept[name]?.count ?? 0) of \(count)")
            // Within a language, best first: non-decreasing perplexity, and the kept ones are its lowest.
            let values = kept[name] ?? []
            #expect(values == values.sorted())
            let lowest = all.filter { language[$0.id] == name }.map(\.perplexity).sorted().prefix(values.count)
            #expect(Array(lowest) == values.sorted())
        }
    }
}

extension ExportCommandTests {
    /// A stored text damaged on disk stops the export with the document named, instead of becoming an
    /// empty or wrong line in the shards.
    @Test func aDamagedStoredTextStopsTheExport() throws {
        let scratch = Scratch()
        let runner = scratch.runner
        for arguments in [["ingest", Self.samples, "--quiet"], ["score", "--metric", "perplexity", "--quiet"]] {
            #expect(try runner.run(arguments).status == 0)
        }
        let store = try Store(path: scratch.path + "/curate.db", create: false)
        let victim = try #require(try store.connection.scalarInt("""
            SELECT d.id FROM documents d JOIN perplexity p ON p.seq = d.seq JOIN filter_verdicts v ON v.seq = d.seq
            WHERE d.codec = 1 AND v.kept = 1 AND NOT EXISTS (SELECT 1 FROM dedup_clusters c WHERE c.seq = d.seq AND c.duplicate_of IS NOT NULL)
            ORDER BY d.seq LIMIT 1
            """))
        try store.connection.execute("UPDATE documents SET text = substr(text, 1, length(text) / 2) WHERE id = \(victim)")
        let export = try runner.run(["export", "--out", "out"])
        #expect(export.status == 1 && export.stderr.contains("document \(victim): its stored text is damaged"), "\(export.stderr)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path + "/out")) ?? []
        #expect(!left.contains("manifest.json") && !left.contains { $0.hasSuffix(".tmp") }, "\(left)")
    }
}
