import ArgumentParser
import Core
import Filters
import Foundation
import Store
import Text

/// `curate show ID`
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one document: where it came from, its statistics, verdicts, and its text.",
        discussion: "Example: curate show 4170128410915527913 --chars 400")

    @Argument(help: ArgumentHelp("The document's id: curate's (metadata.curate.id in an export) or the record's own (an export's id).", valueName: "id"))
    var id: String

    @Flag(name: .long, help: "Look the document up by the id field of its record only (for records whose own ids are numbers that are also curate ids).")
    var external = false

    @Option(name: .long, help: ArgumentHelp("Show at most this many characters of the text (0: none).", valueName: "n"))
    var chars = 2000

    @Flag(name: .customLong("c4-lines"), help: "Show the text as C4's line rules would keep it (lines without terminal punctuation, with too few words, about JavaScript or cookie policies removed).")
    var c4Lines = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try Store(path: global.storePath, create: false)
        let connection = store.connection
        // Curate's id first (unless --external), then the record's own id: an export's `id` is the latter
        // when the record had one, and `metadata.curate.id` the former.
        func lookup(external: Bool) throws -> SQLiteStatement? {
            let statement = try connection.prepare("""
                SELECT d.seq, d.id, d.position, d.external_id, d.byte_length, d.duplicate_of, d.metadata, d.codec, d.text,
                       s.path, s.key, d.content_hash
                FROM documents d JOIN sources s ON s.id = d.source_id
                WHERE \(external ? "d.external_id = ?" : "d.id = ?") ORDER BY d.seq LIMIT 1
                """)
            if external {
                statement.bind(1, id)
            } else {
                guard let numeric = Int64(id) else { return nil }
                statement.bind(1, numeric)
            }
            return try statement.step() ? statement : nil
        }
        guard let lookup = try (external ? nil : lookup(external: false)) ?? lookup(external: true) else {
            throw StoreError("no document with id \(id) in \(global.storePath)", hint: "give curate's id (metadata.curate.id in an export) or the record's own id")
        }
        let seq = lookup.int64(0), documentID = lookup.int64(1)
        let duplicateOf: Int64? = lookup.isNull(5) ? nil : lookup.int64(5)
        let text = try StoredText.decode(Array(lookup.blobBytes(8)), codec: lookup.int(7), hash: Array(lookup.blobBytes(11)), document: documentID, with: ZstdDecompressor()).get()
        var report = ShowReport(
            id: documentID, source: Output.displayPath(lookup.text(9) ?? ""), key: lookup.text(10) ?? "",
            position: lookup.int64(2), externalID: lookup.text(3), bytes: lookup.int64(4), duplicateOf: duplicateOf,
            metadata: lookup.text(6), text: String(decoding: text, as: UTF8.self))

        // Statistics live with the first copy of an exact duplicate.
        var statsSeq = seq
        if let duplicateOf, let first = try connection.scalarInt("SELECT seq FROM documents WHERE id = ?", [.integer(duplicateOf)]) {
            statsSeq = first
        }
        let language = try connection.prepare("SELECT language, script, confidence, profile FROM document_language WHERE seq = ?")
        language.bind(1, statsSeq)
        if try language.step() {
            report.language = language.text(0)
            report.script = language.text(1)
            report.confidence = language.double(2)
            report.profile = language.text(3)
        }
        let verdicts = try connection.prepare("SELECT profile, failures, kept FROM filter_verdicts WHERE seq = ?")
        verdicts.bind(1, statsSeq)
        if try verdicts.step() {
            report.verdictProfile = verdicts.text(0)
            report.failures = (verdicts.text(1) ?? "").split(separator: " ").map(String.init)
            report.kept = verdicts.int(2) == 1
        }
        let perplexity = try connection.prepare("""
            SELECT p.perplexity, p.bits_per_byte, p.bucket, p.tokens, p.oov, m.path FROM perplexity p JOIN lm_models m ON m.id = p.model_id
            WHERE p.seq = ? AND m.contrast_for IS NULL ORDER BY m.created_at DESC LIMIT 1
            """)
        perplexity.bind(1, statsSeq)
        if try perplexity.step() {
            report.perplexity = .init(perplexity: perplexity.double(0), bitsPerByte: perplexity.double(1), bucket: perplexity.text(2),
                                      tokens: perplexity.int(3), oov: perplexity.int(4), model: perplexity.text(5) ?? "")
        }
        let mooreLewis = try connection.prepare("""
            SELECT l.difference FROM moore_lewis l JOIN lm_models m ON m.id = l.contrast_id WHERE l.seq = ? ORDER BY m.created_at DESC, m.id DESC LIMIT 1
            """)
        mooreLewis.bind(1, statsSeq)
        if try mooreLewis.step() { report.mooreLewis = mooreLewis.double(0) }
        for table in ["quality_scores", "combined_scores"] {
            let quality = try connection.prepare("""
                SELECT q.score, q.percentile, q.fold, m.path FROM \(table) q JOIN quality_models m ON m.id = q.model_id
                WHERE q.seq = ? ORDER BY m.created_at DESC, m.id DESC LIMIT 1
                """)
            quality.bind(1, statsSeq)
            guard try quality.step() else { continue }
            let score = ShowReport.Quality(score: quality.double(0), percentile: quality.isNull(1) ? nil : quality.double(1), fold: quality.int(2),
                                           model: quality.text(3) ?? "")
            if table == "quality_scores" { report.quality = score } else { report.combined = score }
        }
        for filter in heuristicFilters {
            let columns = filter.columns.map(\.name)
            let statement = try connection.prepare("SELECT \(columns.joined(separator: ", ")) FROM stats_\(filter.name) WHERE seq = ?")
            statement.bind(1, statsSeq)
            if try statement.step() {
                report.statistics.append(.init(filter: filter.name, values: columns.indices.map { .init(name: columns[$0], value: statement.double(Int32($0))) }))
            }
        }

        if c4Lines {
            let analyzer = TextAnalyzer()
            let document = AnalyzedDocument(text: text, analyzer: analyzer, identifier: ScriptStopWordIdentifier())
            let selection = try ProfileSelection.builtIn()
            let profile = report.profile.flatMap { selection.profile(named: $0) } ?? selection.profile(forLanguage: document.language.language)
            report.text = String(decoding: C4LineCleaner(parameters: profile.statistics, analyzer: analyzer).clean(document), as: UTF8.self)
        }
        if global.json {
            try Output.json(report)
        } else {
            print(report, chars: chars)
        }
    }

    private func print(_ report: ShowReport, chars: Int) {
        let width = 10
        Output.line(Output.padded("document", width) + "\(report.id)")
        Output.line(Output.padded("source", width) + "\(report.source):\(report.position)" + (report.externalID.map { "   external id \($0)" } ?? ""))
        Output.line(Output.padded("length", width) + "\(Formatting.count(report.bytes)) bytes"
                    + (report.duplicateOf.map { "   exact duplicate of \($0) (statistics are its)" } ?? ""))
        if let language = report.language {
            Output.line(Output.padded("language", width) + "\(language) (\(report.script ?? "?"), confidence \(Formatting.decimal(report.confidence ?? 0, places: 2)))"
                        + "   measured with profile \(report.profile ?? "?")")
        }
        if let metadata = report.metadata { Output.line(Output.padded("metadata", width) + metadata) }
        if let kept = report.kept {
            let verdict = kept ? "kept" : "dropped by \(report.failures[0])"
                + (report.failures.count > 1 ? " (also: \(report.failures.dropFirst().joined(separator: ", ")))" : "")
            Output.line(Output.padded("verdict", width) + verdict + "   profile \(report.verdictProfile ?? "?")")
        } else if report.language == nil {
            Output.line(Output.padded("verdict", width) + "not scored (curate score --metric heuristics)")
        }
        if let p = report.perplexity {
            Output.line(Output.padded("perplexity", width) + Formatting.decimal(p.perplexity, places: 1)
                        + "   bits/byte \(Formatting.decimal(p.bitsPerByte, places: 3))   bucket \(p.bucket ?? "–")"
                        + "   \(Formatting.count(p.tokens)) tokens, \(Formatting.count(p.oov)) unknown")
        }
        if let difference = report.mooreLewis {
            Output.line(Output.padded("contrast", width) + Formatting.decimal(difference, places: 3) + " bits per token more under the contrast model than the reference (Moore–Lewis)")
        }
        for (name, score) in [("quality", report.quality), ("combined", report.combined)] {
            guard let q = score else { continue }
            Output.line(Output.padded(name, width) + Formatting.decimal(q.score, places: 3)
                        + (q.percentile.map { "   percentile \(Formatting.decimal(100 * $0, places: 0)) in its language" } ?? "")
                        + "   model \(Output.displayPath(q.model)) (fold \(q.fold))")
        }
        for group in report.statistics {
            let failing = report.failures.filter { $0.hasPrefix(group.filter + ".") }
            Output.line("")
            Output.line(group.filter + (failing.isEmpty ? "   keep" : "   drop: " + failing.joined(separator: ", ")))
            for value in group.values {
                let shown = value.value == value.value.rounded() ? Formatting.count(Int64(value.value)) : Formatting.decimal(value.value, places: 3)
                Output.line("  " + Output.padded(value.name, 24) + shown)
            }
        }
        if chars > 0 {
            Output.line("")
            Output.line(c4Lines ? "text (the lines C4 keeps)" : "text")
            let excerpt = report.text.prefix(chars)
            for line in excerpt.split(separator: "\n", omittingEmptySubsequences: false) { Output.line("  " + line) }
            if report.text.count > chars { Output.line("  … (\(Formatting.count(report.text.count - chars)) more characters; --chars to see more)") }
        }
    }
}

/// `curate show --json`.
struct ShowReport: Codable {
    struct Value: Codable {
        var name: String
        var value: Double
    }

    struct Group: Codable {
        var filter: String
        var values: [Value]
    }

    var id: Int64
    var source: String
    var key: String
    var position: Int64
    var externalID: String?
    var bytes: Int64
    var duplicateOf: Int64?
    var metadata: String?
    var text: String
    var language: String?
    var script: String?
    var confidence: Double?
    var profile: String?
    var verdictProfile: String?
    var failures: [String] = []
    var kept: Bool?
    var statistics: [Group] = []
    var perplexity: Perplexity?
    var mooreLewis: Double?
    var quality: Quality?
    var combined: Quality?

    struct Quality: Codable {
        var score: Double
        var percentile: Double?
        var fold: Int
        var model: String
    }

    struct Perplexity: Codable {
        var perplexity: Double
        var bitsPerByte: Double
        var bucket: String?
        var tokens: Int
        var oov: Int
        var model: String
    }
}
