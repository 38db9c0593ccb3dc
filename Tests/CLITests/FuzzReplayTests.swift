import Foundation
import Testing

/// Every committed fuzz input (the seeds, and each reproducer a fuzzing run found) goes through its
/// target again in the normal build: a finding that was fixed stays fixed.
@Suite struct FuzzReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Fuzz"

    @Test(arguments: ["jsonl", "wet", "gzip", "zstd", "arpa", "yaml", "tokenizer"])
    func replay(_ target: String) throws {
        let binary = (CommandRunner.binary as NSString).deletingLastPathComponent + "/curate-fuzz"
        let inputs = try FileManager.default.contentsOfDirectory(atPath: Self.root + "/" + target)
        #expect(!inputs.isEmpty, "Tests/Fuzz/\(target) has no seeds")
        let result = try CommandRunner(workingDirectory: NSTemporaryDirectory()).runBinary(binary, [target, Self.root + "/" + target])
        #expect(result.status == 0 && result.stdout.contains("\(inputs.count) inputs, no crash"), "\(result.stdout) \(result.stderr)")
    }
}

extension CommandRunner {
    /// Runs another executable of the build the same way.
    func runBinary(_ path: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}
