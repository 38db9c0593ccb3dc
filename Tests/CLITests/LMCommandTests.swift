import Foundation
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
