import Core
import Foundation
import Ingest
import Store
import Testing

@Suite struct IngestBehaviourTests {
    @Test func reingestingTheSameInputsAddsNothing() throws {
        let directory = TemporaryDirectory()
        directory.write("raw/a.jsonl", Corpus.goodLines(30).joined())
        directory.write("raw/b.txt", "A plain text document.")
        let store = try Store(path: directory.storePath())
        let first = try ingest([directory.path + "/raw"], store: store)
        let second = try ingest([directory.path + "/raw"], store: store)
        #expect(first.documents == 31)
        #expect(second.documents == 0)
        #expect(second.filesAlreadyIngested == 2)
        #expect(second.filesRead == 0)
        #expect(try store.count("SELECT count(*) FROM documents") == 31)
        #expect(try store.count("SELECT count(*) FROM sources") == 2)
    }

    @Test func anInterruptedSourceResumesAfterItsLastCommittedRecord() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("a.jsonl", Corpus.goodLines(10).joined())
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store)
        // Rewind the store to what a run killed after record 4 leaves behind.
        try store.connection.execute("""
            DELETE FROM documents WHERE position > 4;
            UPDATE sources SET status = 'reading', records_read = 4, documents = 4, finished_at = NULL;
            """)
        let resumed = try ingest([path], store: store)
        #expect(resumed.filesResumed == 1)
        #expect(resumed.documents == 6)
        #expect(try store.externalIDs() == (1...10).map { "doc-\($0)" })
        #expect(try store.count("SELECT documents FROM sources") == 10)
        #expect(try store.connection.scalarText("SELECT status FROM sources") == "done")
    }

    @Test func exactDuplicatesPointAtTheFirstCopy() throws {
        let directory = TemporaryDirectory()
        let same = "The same words, again and again."
        let path = directory.write("a.jsonl", Corpus.jsonl(id: "first", text: same) + Corpus.jsonl(id: "other", text: "Something else.")
                                   + Corpus.jsonl(id: "second", text: same) + Corpus.jsonl(id: "third", text: same))
        let store = try Store(path: directory.storePath())
        let summary = try ingest([path], store: store)
        #expect(summary.documents == 4)
        #expect(summary.duplicates == 2)
        let firstID = try store.connection.scalarInt("SELECT id FROM documents WHERE external_id = 'first'")
        #expect(try store.count("SELECT count(*) FROM documents WHERE duplicate_of = \(firstID!)") == 2)
        #expect(try store.count("SELECT count(*) FROM documents WHERE external_id = 'first' AND duplicate_of IS NULL") == 1)
        #expect(try store.statistics().exactDuplicates == 2)
    }

    @Test func resultsDoNotDependOnThreadsOrRunsOrWhereTheCorpusLives() throws {
        let lines = Corpus.goodLines(3000).joined() + Corpus.goodLines(50).joined() // 50 exact duplicates
        var fingerprints: [[String]] = []
        for threads in [1, 2, 4] {
            let directory = TemporaryDirectory()
            directory.write("corpus/part.jsonl", lines)
            directory.write("corpus/zh/页面.txt", "一个中文文档。")
            let store = try Store(path: directory.storePath())
            try ingest([directory.path + "/corpus"], store: store) { $0.threads = threads }
            let statement = try store.connection.prepare(
                "SELECT id, source_id, position, hex(content_hash), duplicate_of FROM documents ORDER BY seq")
            var rows: [String] = []
            while try statement.step() {
                rows.append((0..<5).map { statement.text(Int32($0)) ?? "NULL" }.joined(separator: "|"))
            }
            fingerprints.append(rows)
        }
        #expect(fingerprints[0].count == 3051)
        #expect(fingerprints[0] == fingerprints[1])
        #expect(fingerprints[0] == fingerprints[2])
    }

    @Test func jsonMetadataIsKeptByteForByteAndIDsMayBeNumbers() throws {
        let directory = TemporaryDirectory()
        let line = #"{"url": "https://a.example/x?y=1", "id": 1234, "text": "caf\u00e9 \ud83d\ude00 \"quoted\"", "score": 1.50, "tags": ["a", {"b": null}]}"#
        let path = directory.write("a.jsonl", line + "\n")
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store)
        #expect(try store.allTexts() == ["café 😀 \"quoted\""])
        #expect(try store.externalIDs() == ["1234"])
        #expect(try store.connection.scalarText("SELECT metadata FROM documents")
                == #"{"url": "https://a.example/x?y=1","score": 1.50,"tags": ["a", {"b": null}]}"#)
    }

    @Test func fieldNamesAreConfigurable() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("a.jsonl", #"{"doc_id": "x1", "content": "Body text.", "text": "not this"}"# + "\n")
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store) {
            $0.textField = "content"
            $0.idField = "doc_id"
        }
        #expect(try store.allTexts() == ["Body text."])
        #expect(try store.externalIDs() == ["x1"])
        #expect(try store.connection.scalarText("SELECT metadata FROM documents") == #"{"text": "not this"}"#)
    }

    @Test func compressedInputsAndMultipleMembersAndFrames() throws {
        let directory = TemporaryDirectory()
        let a = Array(Corpus.goodLines(5, prefix: "a").joined().utf8)
        let b = Array(Corpus.goodLines(5, prefix: "b").joined().utf8)
        directory.write("in/one.jsonl.gz", Corpus.gzip(a) + Corpus.gzip(b))   // two gzip members
        directory.write("in/two.jsonl.zst", Corpus.zstd(b) + Corpus.zstd(a))  // two zstd frames
        directory.write("in/three.txt.zst", Corpus.zstd(Array("Compressed plain text.".utf8)))
        let store = try Store(path: directory.storePath())
        let summary = try ingest([directory.path + "/in"], store: store)
        #expect(summary.rejects == 0)
        // Files in byte order of their names: one, three, two.
        #expect(try store.externalIDs() == (1...5).map { "a-\($0)" } + (1...5).map { "b-\($0)" } + [""]
                + (1...5).map { "b-\($0)" } + (1...5).map { "a-\($0)" })
        #expect(try store.allTexts()[10] == "Compressed plain text.")
        #expect(summary.duplicates == 10)
    }

    @Test func plainTextFilesAreOneDocumentWithoutTheByteOrderMark() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("page.txt", [0xEF, 0xBB, 0xBF] + Array("Line one.\r\nLine two.\n".utf8))
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store)
        #expect(try store.allTexts() == ["Line one.\r\nLine two.\n"])
        #expect(try store.count("SELECT position FROM documents") == 1)
    }

    @Test func textSplitByLineMakesADocumentOfEachNonBlankLineAndRejectsBadLinesAlone() throws {
        let directory = TemporaryDirectory()
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("first line\r\n\n   \nsecond line\n".utf8)
        bytes += Array("bad ".utf8) + [0xFF, 0xFE] + Array(" bytes\n".utf8)       // line 5: invalid UTF-8
        bytes += Array("a NUL ".utf8) + [0x00] + Array(" here\n".utf8)            // line 6: NUL byte
        bytes += Array(String(repeating: "x", count: 300).utf8) + [0x0A]           // line 7: over --max-doc-bytes
        bytes += Array("last line without a newline".utf8)                        // line 8
        let path = directory.write("corpus.txt", bytes)
        let store = try Store(path: directory.storePath())
        let summary = try ingest([path], store: store) { $0.textSplit = .line; $0.maxDocBytes = 200 }
        #expect(summary.documents == 3)
        #expect(try store.allTexts() == ["first line", "second line", "last line without a newline"])
        let positions = try store.connection.prepare("SELECT position FROM documents ORDER BY seq")
        var lines: [Int64] = []
        while try positions.step() { lines.append(positions.int64(0)) }
        #expect(lines == [1, 4, 8])
        let rejects = try store.rejectReasons()
        #expect(rejects.map(\.0) == ["invalid_utf8", "nul_byte", "too_large"])
        #expect(rejects.map(\.1) == [5, 6, 7])
        // The same file cut another way is another source: its documents are read again.
        let whole = try ingest([path], store: store) { $0.maxDocBytes = 1 << 20 }
        #expect(whole.filesRead == 1 && whole.documents == 0 && whole.rejects == 1) // the whole file holds a NUL byte
        #expect(try store.count("SELECT count(*) FROM sources") == 2)
    }

    @Test func textSplitByParagraphJoinsLinesBetweenBlankLines() throws {
        let directory = TemporaryDirectory()
        let big = String(repeating: "long line of text ", count: 20)
        let text = "\n\nTitle\nfirst paragraph, line two\n\n\nsecond paragraph\n \n\(big)\n\(big)\nthird\n\nlast one\n\n" + big + big
        let path = directory.write("notes.txt", text)
        let store = try Store(path: directory.storePath())
        let summary = try ingest([path], store: store) { $0.textSplit = .paragraph; $0.maxDocBytes = 500 }
        #expect(try store.allTexts() == ["Title\nfirst paragraph, line two", "second paragraph", "last one"])
        #expect(summary.documents == 3)
        let rejects = try store.rejects()
        #expect(rejects.map(\.reason) == ["too_large", "too_large"])
        #expect(rejects.map(\.record) == [9, 15]) // each block's first line
        // A block that is one line over the limit shows that line's start.
        #expect(rejects.last?.raw?.hasPrefix("long line of text") == true, "\(rejects)")
        #expect(rejects.first?.message.contains("paragraph of \(2 * big.utf8.count + "third".count + 2) bytes") == true, "\(rejects)")
    }

    @Test func aTextFileSplitByLineResumesAfterTheLastCommittedLine() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("lines.txt", (1...50).map { "sentence number \($0) of the file" }.joined(separator: "\n\n"))
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store) { $0.textSplit = .line }
        #expect(try store.count("SELECT count(*) FROM documents") == 50)
        // Rewind the store to what a run killed after line 41 (document 21) leaves behind.
        try store.connection.execute("""
            DELETE FROM documents WHERE position > 41;
            UPDATE sources SET status = 'reading', records_read = 41, documents = 21, finished_at = NULL;
            """)
        let resumed = try ingest([path], store: store) { $0.textSplit = .line }
        #expect(resumed.filesResumed == 1 && resumed.documents == 29)
        #expect(try store.allTexts() == (1...50).map { "sentence number \($0) of the file" })
    }

    @Test func commonCrawlWETRecordsBecomeDocumentsWithTheirHeaders() throws {
        func record(_ headers: [(String, String)], _ body: String) -> [UInt8] {
            let payload = Array(body.utf8)
            var head = "WARC/1.0\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "Content-Length: \(payload.count)\r\n\r\n"
            return Array(head.utf8) + payload + Array("\r\n\r\n".utf8)
        }
        let info = record([("WARC-Type", "warcinfo")], "software: test\r\n")
        let first = record([("WARC-Type", "conversion"), ("WARC-Target-URI", "https://a.example/"),
                            ("WARC-Record-ID", "<urn:uuid:1>"), ("WARC-Date", "2026-01-02T03:04:05Z"),
                            ("WARC-Identified-Content-Language", "eng")], "First page text.\nSecond line.")
        let second = record([("WARC-Type", "conversion"), ("WARC-Target-URI", "https://b.example/"),
                             ("WARC-Record-ID", "<urn:uuid:2>")], "第二页。")
        let directory = TemporaryDirectory()
        // One gzip member per record, as Common Crawl writes them.
        let path = directory.write("x.warc.wet.gz", Corpus.gzip(info) + Corpus.gzip(first) + Corpus.gzip(second))
        let store = try Store(path: directory.storePath())
        let summary = try ingest([path], store: store)
        #expect(summary.rejects == 0)
        #expect(try store.allTexts() == ["First page text.\nSecond line.", "第二页。"])
        #expect(try store.externalIDs() == ["<urn:uuid:1>", "<urn:uuid:2>"])
        #expect(try store.connection.scalarText("SELECT metadata FROM documents WHERE position = 2")
                == #"{"url":"https://a.example/","date":"2026-01-02T03:04:05Z","language":"eng"}"#)
    }

    @Test func aBrokenWARCHeaderIsRejectedAndReadingResynchronises() throws {
        let directory = TemporaryDirectory()
        let text = "WARC/1.0\r\nWARC-Type: conversion\r\n\r\nno length here\r\n\r\n"
            + "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"
        let path = directory.write("x.warc.wet", text)
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store)
        #expect(try store.allTexts() == ["hello"])
        #expect(try store.rejectReasons().map(\.0) == ["malformed_warc"])
    }

    @Test func aChangedFileIsReadAgainAsANewSource() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("a.jsonl", Corpus.goodLines(3).joined())
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store)
        directory.write("a.jsonl", Corpus.goodLines(4).joined())
        let second = try ingest([path], store: store)
        #expect(second.filesChanged == 1)
        #expect(second.documents == 4)
        #expect(second.duplicates == 3)
        #expect(try store.count("SELECT count(*) FROM sources") == 2)
    }

    @Test func globSelectsFilesAndDirectoriesAreWalkedInByteOrder() throws {
        let directory = TemporaryDirectory()
        for name in ["b/2.jsonl", "b/10.jsonl", "a/z.jsonl", "a/.hidden.jsonl", "B.jsonl", "c/skip.txt"] {
            directory.write("root/" + name, Corpus.jsonl(id: name, text: "text of \(name)"))
        }
        let found = InputDiscovery(glob: "*.jsonl").discover([directory.path + "/root"])
        #expect(found.files.map(\.key) == ["root/B.jsonl", "root/a/z.jsonl", "root/b/10.jsonl", "root/b/2.jsonl"])
        #expect(found.problems.isEmpty)
        let everything = InputDiscovery().discover([directory.path + "/root", directory.path + "/root/a/z.jsonl"])
        #expect(everything.files.count == 5) // the file named twice is listed once
        let pathGlob = InputDiscovery(glob: "b/*").discover([directory.path + "/root"])
        #expect(pathGlob.files.map(\.key) == ["root/b/10.jsonl", "root/b/2.jsonl"])
    }

    @Test func documentIDsDependOnTheRootRelativeKeyNotTheAbsolutePath() throws {
        var ids: [[Int64]] = []
        for _ in 0..<2 {
            let directory = TemporaryDirectory() // a different absolute path each time
            directory.write("corpus/x.jsonl", Corpus.goodLines(5).joined())
            let store = try Store(path: directory.storePath())
            try ingest([directory.path + "/corpus"], store: store)
            let statement = try store.connection.prepare("SELECT id FROM documents ORDER BY seq")
            var row: [Int64] = []
            while try statement.step() { row.append(statement.int64(0)) }
            ids.append(row)
        }
        #expect(ids[0].count == 5)
        #expect(ids[0] == ids[1])
    }
}
