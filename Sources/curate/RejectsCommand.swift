import ArgumentParser
import Core
import Foundation
import Ingest
import Store

/// `curate rejects`
struct RejectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejects",
        abstract: "List the records and inputs that were rejected, with the reason.",
        discussion: """
            Reasons: \(RejectReason.allCases.map(\.rawValue).joined(separator: ", ")).
            Example: curate rejects --reason malformed_json --raw
            """)

    @Option(name: .long, help: ArgumentHelp("Only rejects with this reason code.", valueName: "reason"))
    var reason: String?

    @Option(name: .long, help: ArgumentHelp("Show at most this many.", valueName: "n"))
    var limit: Int?

    @Flag(name: .long, help: "Also show the start of each raw record.")
    var raw = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try Store(path: global.storePath, create: false)
        let rows = try store.rejects(reason: reason, limit: limit)
        if global.json {
            for row in rows {
                var shown = row
                if !raw { shown.raw = nil }
                try Output.jsonLine(shown)
            }
            return
        }
        if rows.isEmpty {
            if !global.quiet { Output.line(reason.map { "no rejects with reason \($0)" } ?? "no rejects") }
            return
        }
        let locations = rows.map { Output.displayPath($0.path) + ($0.record > 0 ? ":\($0.record)" : "") }
        let locationWidth = locations.map(\.count).max() ?? 0
        let reasonWidth = rows.map(\.reason.count).max() ?? 0
        for (row, location) in zip(rows, locations) {
            Output.line(Output.padded(location, locationWidth + 1) + " " + Output.padded(row.reason, reasonWidth + 1) + " " + row.message)
            if raw, let preview = row.raw, !preview.isEmpty {
                let flat = preview.prefix(200).map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 }
                Output.line("    " + String(flat))
            }
        }
    }
}
