import Foundation
import Testing

/// The BLAS kernel curate runs: named by --version, replaced when OpenBLAS fell back to a generic one
/// (simulated with CURATE_BLAS_PICKED: on this machine OpenBLAS picks well), never replaced unchecked,
/// and left alone when the user chose one.
@Suite struct BLASKernelTests {
    /// The Haswell kernels need AVX2 and FMA.
    static var hasAVX2: Bool {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return flags.contains(" avx2") && flags.contains(" fma")
    }

    func version(_ environment: [String: String]) throws -> CommandRunner.Result {
        let scratch = Scratch()
        var runner = scratch.runner
        for (key, value) in environment { runner.environment[key] = value }
        runner.environment["OPENBLAS_CORETYPE"] = environment["OPENBLAS_CORETYPE"]
        return try withExtendedLifetime(scratch) { try runner.run(["--version"]) }
    }

    @Test func versionNamesTheKernel() throws {
        let result = try version([:])
        #expect(result.status == 0 && result.stdout.contains("OpenBLAS 0.") && result.stdout.contains(", kernel "), "\(result.stdout)")
        #expect(!result.stdout.contains("chosen by curate"), "OpenBLAS's own choice here: \(result.stdout)")
    }

    @Test(.enabled(if: hasAVX2)) func aGenericKernelIsReplacedByTheFirstThatPassesTheCheck() throws {
        // An unknown core type makes OpenBLAS keep its own: the check sees it is not the one asked for.
        let result = try version(["CURATE_BLAS_PICKED": "Prescott", "CURATE_BLAS_CANDIDATES": "NoSuchCore,Haswell"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("kernel Haswell (chosen by curate: OpenBLAS picked Prescott)"), "\(result.stdout)")
    }

    @Test func withNoKernelPassingTheGenericOneStaysAndTheUserIsTold() throws {
        let result = try version(["CURATE_BLAS_PICKED": "Prescott", "CURATE_BLAS_CANDIDATES": "NoSuchCore"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("chosen by curate"), "\(result.stdout)")
        #expect(result.stderr.contains("warning") && result.stderr.contains("none of NoSuchCore passed the check"), "\(result.stderr)")
    }

    @Test func theUsersCoreTypeIsLeftAlone() throws {
        let result = try version(["CURATE_BLAS_PICKED": "Prescott", "OPENBLAS_CORETYPE": "Prescott"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("kernel Prescott (OPENBLAS_CORETYPE)"), "\(result.stdout)")
    }
}
