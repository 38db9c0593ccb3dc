import Foundation
import LM
import Testing

/// `curate lm …` and `curate score --metric perplexity` through the binary.
@Suite struct LMCommandTests {
    static let sentences = [
        "the harbour was rebuilt after the storm .", "the boats came back to the harbour .",
        "fishermen helped the engineers .", "the council kept the harbour open .",
        "visitors walk along the quay in the evening .", "the storm damaged the old walls .",
    ]

    @Test func trainQueryAndConvert() throws {
        let scratch = Scratch()
        scratch.write("train.txt", Self.sentences.joined(separator: "\n") + "\n")
        let train = try scratch.runner.run(["lm", "train", "--order", "3", "--from", "train.txt", "--tokenize", "whitespace",
                                            "--out", "model.arpa", "--json"])
        #expect(train.status == 0, "\(train.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as! [String: Any]
        #expect(report["sentences"] as? Int == 6)
        #expect((report["ngrams"] as? [Int])?.count == 3)
        let arpa = try String(contentsOfFile: scratch.path + "/model.arpa", encoding: .utf8)
        #expect(arpa.hasPrefix("# curate-lm tokenizer=whitespace"))
        #expect(arpa.contains("\\data\\\nngram 1="))

        #expect(try scratch.runner.run(["lm", "build-binary", "model.arpa", "model.bin"]).status == 0)
        // Same scores through ARPA and binary, one line per sentence from stdin.
        let input = scratch.write("query.txt", "the harbour was rebuilt .\nthe zebra came back .\n")
        var results: [String] = []
        for model in ["model.arpa", "model.bin"] {
            let output = scratch.path + "/q-\(model).txt"
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-c", "'\(CommandRunner.binary)' lm query --model '\(scratch.path)/\(model)' --json < '\(input)' > '\(output)'"]
            try shell.run()
            shell.waitUntilExit()
            #expect(shell.terminationStatus == 0)
            results.append(try String(contentsOfFile: output, encoding: .utf8))
        }
        #expect(results[0] == results[1])
        let lines = results[0].split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 2)
        #expect(lines[0]["oov"] as? Int == 0)
        #expect(lines[1]["oov"] as? Int == 1)
        #expect((lines[1]["log10"] as! Double) < (lines[0]["log10"] as! Double))
    }

    /// The n-grams of an ARPA file as "w1 w2 …" -> (log10 prob, log10 backoff).
    static func ngrams(_ path: String) throws -> [String: (Float, Float)] {
        let model = try ARPA.read(path: path)
        var table: [String: (Float, Float)] = [:]
        for order in model.orders {
            for index in 0..<order.count {
                let words = order.gram(index).map { String(decoding: model.vocabulary[Int($0)], as: UTF8.self) }.joined(separator: " ")
                table[words] = (order.logProb[index], order.logBackoff[index])
            }
        }
        return table
    }

    /// `lm train --from FILE.txt` reads the file a line at a time, as lmplz does: it equals lmplz's model of
    /// the same file (Tests/Fixtures/lm/lmplz-3.arpa, `lmplz -o 3 --discount_fallback`), and bad lines
    /// (NUL, invalid UTF-8) are skipped alone and named, never the whole file.
    @Test func trainingFromATextFileReadsItLineByLineLikeLmplz() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/lm").path
        let good = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/train.txt"))
        let scratch = Scratch()
        let lines = good.split(separator: 0x0A, omittingEmptySubsequences: false)
        var dirty = Data()
        for (index, line) in lines.enumerated() {
            if index == 3 { dirty += Data("a line with a NUL \u{0} byte\n".utf8) }
            if index == 10 { dirty += Data([0x62, 0x61, 0x64, 0x20, 0xC3, 0x28, 0x0A]) } // invalid UTF-8
            dirty += line
            if index < lines.count - 1 { dirty.append(0x0A) }
        }
        FileManager.default.createFile(atPath: scratch.path + "/dirty.txt", contents: dirty)
        let expected = try Self.ngrams(fixtures + "/lmplz-3.arpa")
        for input in [fixtures + "/train.txt", "dirty.txt"] {
            let train = try scratch.runner.run(["lm", "train", "--order", "3", "--from", input, "--tokenize", "whitespace",
                                                "--out", "model.arpa"])
            #expect(train.status == 0, "\(train.stderr)")
            let ours = try Self.ngrams(scratch.path + "/model.arpa")
            #expect(Set(ours.keys) == Set(expected.keys), "\(input): \(Set(ours.keys).symmetricDifference(expected.keys).prefix(5))")
            var differing = 0
            for (gram, (probability, backoff)) in ours {
                guard let (p, w) = expected[gram] else { continue }
                if abs(probability - p) > 1e-4 || abs(backoff - w) > 1e-4 { differing += 1 }
            }
            #expect(differing == 0 && ours.count > 30_000, "\(input): \(differing) of \(ours.count) n-grams differ from lmplz's")
            if input == "dirty.txt" {
                #expect(train.stderr.contains("dirty.txt:4: nul_byte"), "\(train.stderr)")
                #expect(train.stderr.contains("dirty.txt:12: invalid_utf8"), "\(train.stderr)")
            } else {
                #expect(!train.stderr.contains("warning"), "\(train.stderr)")
            }
        }
    }

    @Test func perplexityRightAfterIngestTrainsTheReferenceAndStatsShowIt() throws {
        let scratch = Scratch()
        var lines = ""
        for index in 0..<30 {
            let text = (0..<6).map { Self.sentences[($0 + index) % Self.sentences.count].capitalized }.joined(separator: " ")
                + " Document number \(index) ends here with a few more words about the town and its people."
            lines += Corpus.jsonl(id: "d\(index)", text: text)
        }
        lines += Corpus.jsonl(id: "junk", text: "zzq xxv wwk qqp zzq xxv wwk qqp zzq xxv wwk qqp")
        scratch.write("in.jsonl", lines)
        #expect(try scratch.runner.run(["ingest", "in.jsonl", "--quiet"]).status == 0)
        let score = try scratch.runner.run(["score", "--metric", "perplexity"])
        #expect(score.status == 0, "\(score.stderr)")
        #expect(score.stderr.contains("scoring the heuristic filters first"))
        #expect(score.stdout.contains("reference trained on store:"))
        #expect(score.stdout.contains("two halves cross-fitted"))
        let stats = try scratch.runner.run(["stats"])
        #expect(stats.stdout.contains("perplexity model"))
        #expect(stats.stdout.contains("median pp"))
        let json = try JSONSerialization.jsonObject(with: Data(try scratch.runner.run(["stats", "--json"]).stdout.utf8)) as! [String: Any]
        #expect((json["perplexity"] as? [[String: Any]])?.isEmpty == false)
        #expect(json["documents"] as? Int == 31)
        // A second run reuses the reference and scores nothing new.
        let again = try scratch.runner.run(["score", "--metric", "perplexity", "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        #expect((report["scored"] as! [String: Any])["documents"] as? Int == 0)
    }
}
