import Foundation
import Testing

/// `curate score`, `curate filter` and `curate show` through the binary.
@Suite struct ScoreFilterCommandTests {
    static let prose = """
        The old harbour of the town was rebuilt after the storm of the winter before last. Fishermen who had \
        worked there for years helped the engineers to decide where the new walls should stand, and the work \
        was finished in less than a year. Today the boats come and go as they did before, and visitors walk \
        along the quay in the evening to watch them return with their catch. The council has promised that \
        the harbour will stay open to small boats. Many people say this matters more than any new building.
        """

    static func makeStore(_ scratch: Scratch) throws {
        var lines = Corpus.jsonl(id: "good", text: prose)
        lines += Corpus.jsonl(id: "menu", text: "Home\nAbout\nContact\nLogin")
        lines += Corpus.jsonl(id: "zh", text: """
            夏天的午后，一场阵雨刚刚停歇，太阳重新露出脸来。如果你背对太阳站着，常常能在天空另一侧看到一道弯弯的彩虹。            很多人小时候都好奇过：这些颜色到底是从哪里来的？其实答案就藏在空气中无数细小的水滴里。            太阳光看起来是白色的，但它实际上由许多不同颜色的光混合而成。当阳光射入一颗近似球形的水滴时，会在水滴表面发生折射，            在水滴内部的背面发生反射，然后再次折射射出。由于不同颜色的光在水中的折射程度略有差别，原本混在一起的白光就被分解开来。
            """)
        scratch.write("in.jsonl", lines)
        #expect(try scratch.runner.run(["ingest", "in.jsonl", "--quiet"]).status == 0)
    }

    @Test func scoreThenFilterThenShow() throws {
        let scratch = Scratch()
        try Self.makeStore(scratch)
        let score = try scratch.runner.run(["score", "--metric", "heuristics"])
        #expect(score.status == 0, "\(score.stderr)")
        #expect(score.stdout.hasPrefix("score   heuristics  3 docs"))
        #expect(score.stdout.contains("kept    2 / 3"))

        let filter = try scratch.runner.run(["filter", "--dry-run"])
        #expect(filter.stdout.contains("gopher_quality.too_few_words"))
        #expect(filter.stdout.contains("(dry run: verdicts not stored)"))

        // A stricter copy of the zh profile, with only the changed key.
        scratch.write("profiles/zh.yaml", "name: zh\ngopher_quality:\n  min_words: 5000\n")
        let strict = try scratch.runner.run(["filter", "--profiles", "profiles", "--dry-run", "--json"])
        let funnel = try JSONSerialization.jsonObject(with: Data(strict.stdout.utf8)) as! [String: Any]
        #expect(funnel["kept"] as? Int == 1)

        let show = try scratch.runner.run(["show", "--external", "menu"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("verdict   dropped by gopher_quality.too_few_words"))
        #expect(show.stdout.contains("fineweb   drop:"))
        #expect(show.stdout.contains("  Home"))

        let again = try scratch.runner.run(["score"])
        #expect(again.stdout.contains("nothing new to score"))
    }

    @Test func aBadProfileIsOneClearError() throws {
        let scratch = Scratch()
        try Self.makeStore(scratch)
        scratch.write("bad.yaml", "name: mine\nfineweb:\n  max_short_line_ratio: 2\n")
        let result = try scratch.runner.run(["filter", "--profile", "bad.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("curate: error: bad.yaml: fineweb.max_short_line_ratio: 2 is out of range (0 to 1)"))
        let unknown = try scratch.runner.run(["score", "--profile", "nonesuch"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("not a built-in profile"))
    }

    @Test func scoringAnEmptyOrMissingStoreSaysWhatToDo() throws {
        let scratch = Scratch()
        let missing = try scratch.runner.run(["score"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no store at curate.db"))
        let show = try scratch.runner.run(["show", "12345", "--db", "x.db"])
        #expect(show.status == 1)
    }
}
