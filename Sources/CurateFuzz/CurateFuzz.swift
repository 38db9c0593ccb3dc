import Config
import Dedup
import Export
import Filters
import Foundation
import Ingest
import LM
import Train

/// Fuzz targets for every parser that reads user bytes. Built normally, `curate-fuzz TARGET FILE…` runs
/// the target on each file (the committed seeds and crash reproducers: the regression runner). Built
/// with `-Xswiftc -DFUZZING -Xswiftc -sanitize=fuzzer,address` (scripts/fuzz.sh), it is a libFuzzer
/// binary for the target named by $CURATE_FUZZ_TARGET.
enum FuzzTargets {
    static let names = ["jsonl", "wet", "gzip", "zstd", "arpa", "yaml", "tokenizer"]

    /// A scratch file for the targets that read from a path (the readers stream from files).
    static let scratch = NSTemporaryDirectory() + "curate-fuzz-\(getpid())"

    static func write(_ data: Data, suffix: String) -> String {
        let path = scratch + suffix
        FileManager.default.createFile(atPath: path, contents: data)
        return path
    }

    /// Runs one input through one target. Errors are fine (bad input must be refused); crashes, hangs
    /// and sanitizer reports are what the fuzzer looks for.
    static func run(_ target: String, _ data: Data) {
        switch target {
        case "jsonl": _ = IngestProbe.read(path: write(data, suffix: ".jsonl"), maxDocBytes: 1 << 16)
        case "wet": _ = IngestProbe.read(path: write(data, suffix: ".warc.wet"), maxDocBytes: 1 << 16)
        case "gzip": _ = IngestProbe.read(path: write(data, suffix: ".jsonl.gz"), maxDocBytes: 1 << 16)
        case "zstd": _ = IngestProbe.read(path: write(data, suffix: ".jsonl.zst"), maxDocBytes: 1 << 16)
        case "arpa": _ = try? ARPA.read(path: write(data, suffix: ".arpa"))
        case "yaml":
            let text = String(decoding: data, as: UTF8.self)
            _ = try? ProfileLoader.parse(text, source: "fuzz.yaml")
            var train = TrainConfig()
            try? train.apply(yaml: text, source: "fuzz.yaml")
            var export = ExportOptions()
            try? export.apply(pipelineYAML: text, source: "fuzz.yaml")
            var dedup = DedupOptions()
            try? dedup.apply(pipelineYAML: text, source: "fuzz.yaml")
        case "tokenizer":
            let path = write(data, suffix: ".json")
            if let tokenizer = try? BPETokenizer.read(from: path) {
                // A tokenizer that loads must encode and decode any text.
                let text = "héllo 世界 \u{1F600} \(data.count)"
                precondition(tokenizer.decode(tokenizer.encode(text)) == Array(text.utf8), "round trip failed")
            }
            _ = try? ModelFile.read(from: path)
        default:
            fatalError("unknown fuzz target \(target) (known: \(names.joined(separator: ", ")))")
        }
    }
}

#if FUZZING
nonisolated(unsafe) let fuzzTarget = ProcessInfo.processInfo.environment["CURATE_FUZZ_TARGET"] ?? ""

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzTargets.run(fuzzTarget, bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

/// libFuzzer's entry point for programs that have their own main (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
struct Fuzz {
    static func main() {
        guard FuzzTargets.names.contains(fuzzTarget) else {
            FileHandle.standardError.write(Data("set CURATE_FUZZ_TARGET to one of \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
            exit(2)
        }
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
@main
struct Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let target = arguments.first, FuzzTargets.names.contains(target) else {
            FileHandle.standardError.write(Data("usage: curate-fuzz TARGET FILE… (targets: \(FuzzTargets.names.joined(separator: ", ")))\n".utf8))
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 } : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                FuzzTargets.run(target, data)
                count += 1
            }
        }
        for suffix in [".jsonl", ".warc.wet", ".jsonl.gz", ".jsonl.zst", ".arpa", ".json"] {
            try? FileManager.default.removeItem(atPath: FuzzTargets.scratch + suffix)
        }
        print("curate-fuzz \(target): \(count) inputs, no crash")
    }
}
#endif
