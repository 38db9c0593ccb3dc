import CBLAS
import CTrainKernels
import Foundation

/// Which OpenBLAS kernel multiplies the trainer's matrices, and a faster one when OpenBLAS fell back to
/// a generic kernel.
///
/// Debian's OpenBLAS 0.3.21 is built with DYNAMIC_ARCH: it picks a kernel by CPU model when it loads.
/// On a CPU newer than it knows it falls back to an old SSE kernel. Measured on a Xeon with AVX-512:
/// `sgemm_kernel_PRESCOTT` was 78% of the trainer's profile, 0.28× PyTorch; the same binary with
/// `OPENBLAS_CORETYPE=SkylakeX` ran 1.07×. OpenBLAS reads that variable only when it loads, so the
/// process has to start again with it set. `ensureFast` does so with the fastest core type the CPU's
/// instructions allow that passes a numeric check in a child process:
/// - some OpenBLAS builds compute wrong products with some kernels on some CPUs, so none is taken unchecked;
/// - a kernel whose instructions the CPU lacks dies in the child, not in the user's command.
/// A user's own `OPENBLAS_CORETYPE` is left alone.
public enum BLASKernel {
    /// The core type OpenBLAS runs (e.g. Haswell, Zen, SkylakeX, Prescott).
    public static var current: String { String(cString: openblas_get_corename()) }

    /// Core types older than Haswell: on a CPU with AVX2 they are fallbacks, two to four times slower.
    static let generic: Set<String> = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Sandybridge", "Atom", "Katmai",
                                       "Coppermine", "Northwood", "Banias", "Opteron", "Opteron_SSE3", "Barcelona", "Bobcat",
                                       "Bulldozer", "Piledriver", "Steamroller", "Excavator", "Nano", "Generic", "Unknown"]

    /// Environment: set in the child that checks a kernel.
    static let checkVariable = "CURATE_BLAS_CHECK"
    /// Environment: set when curate chose the kernel, to what OpenBLAS had picked.
    static let fallbackVariable = "CURATE_BLAS_FALLBACK"

    /// Core types to try, fastest first, from the CPU's instructions (cpuid). `CURATE_BLAS_CANDIDATES`
    /// (comma-separated) replaces the list, for tests.
    static func candidates(environment: [String: String]) -> [String] {
        if let forced = environment["CURATE_BLAS_CANDIDATES"] { return forced.split(separator: ",").map(String.init) }
        let features = curate_cpu_blas_features()
        var list: [String] = []
        if features & 4 != 0 { list.append("Cooperlake") }
        if features & 2 != 0 { list.append("SkylakeX") }
        if features & 1 != 0 { list.append("Haswell") }
        return list
    }

    /// At start-up of a command that multiplies matrices: when OpenBLAS runs a generic kernel on a CPU
    /// that has better, and the user did not choose one, starts this command again (same arguments)
    /// with the fastest core type that passes `check`. Returns when there is nothing to change, or no
    /// faster kernel passes (`warn` is told). `CURATE_BLAS_PICKED` stands for what OpenBLAS picked, for
    /// tests on machines where it picks well.
    public static func ensureFast(warn: (String) -> Void) {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil else { return }
        let picked = environment["CURATE_BLAS_PICKED"] ?? current
        guard generic.contains(picked) else { return }
        let candidates = candidates(environment: environment).filter { $0 != picked }
        guard !candidates.isEmpty else { return }
        for core in candidates where passes(core, environment: environment) {
            setenv("OPENBLAS_CORETYPE", core, 1)
            setenv(fallbackVariable, picked, 1)
            let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
            execv("/proc/self/exe", arguments)
            return // execv returned: it failed; carry on with the generic kernel
        }
        warn("OpenBLAS runs its generic \(picked) kernel and none of \(candidates.joined(separator: ", ")) passed the check; matrix products will be slow")
    }

    /// First thing in `main`: in the child `passes` starts, runs the check and exits with its verdict.
    public static func checkIfAsked() {
        if ProcessInfo.processInfo.environment[checkVariable] != nil { exit(check() ? 0 : 1) }
    }

    /// Runs the check in a child process with `core` set: true when it exits 0.
    static func passes(_ core: String, environment: [String: String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = []
        var childEnvironment = environment
        childEnvironment["OPENBLAS_CORETYPE"] = core
        childEnvironment[checkVariable] = core
        process.environment = childEnvironment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    /// In the child: OpenBLAS runs the asked core type (an unknown name makes it fall back silently),
    /// and products of odd shapes, plain and transposed, on one thread and on the pool, agree with a
    /// float64 reference.
    static func check() -> Bool {
        guard current == ProcessInfo.processInfo.environment[checkVariable] else { return false }
        let (m, n, k) = (67, 71, 93) // not multiples of any kernel's block
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
        }
        let a = (0..<(m * k)).map { _ in next() }, b = (0..<(k * n)).map { _ in next() }
        for threads in [1, 2] {
            openblas_set_num_threads(Int32(threads))
            for transposeA in [false, true] {
                // A stored as m×k row-major, or as its transpose (k×m) read transposed.
                let stored = transposeA ? (0..<(k * m)).map { a[($0 % m) * k + $0 / m] } : a
                var c = [Float](repeating: 0, count: m * n)
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                            stored, Int32(transposeA ? m : k), b, Int32(n), 0, &c, Int32(n))
                if !agrees(c, a: a, b: b, m: m, n: n, k: k) { return false }
            }
        }
        return true
    }

    /// Whether `c` is A·B (row-major m×k and k×n) to within float rounding: each entry within 1e-5 of
    /// the sum of the absolute products that make it (a float32 dot product of length k errs by about
    /// k · 6e-8 of that).
    static func agrees(_ c: [Float], a: [Float], b: [Float], m: Int, n: Int, k: Int) -> Bool {
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0, scale = 0.0
                for p in 0..<k {
                    let product = Double(a[i * k + p]) * Double(b[p * n + j])
                    exact += product
                    scale += abs(product)
                }
                if !(abs(Double(c[i * n + j]) - exact) <= 1e-5 * max(scale, 1e-30)) { return false }
            }
        }
        return true
    }

    /// For `curate --version` and the benchmarks: the library, its kernel and who chose it.
    public static var description: String {
        let version = String(cString: openblas_get_config()).split(separator: " ").prefix(2).joined(separator: " ")
        let environment = ProcessInfo.processInfo.environment
        if let fallback = environment[fallbackVariable] {
            return "\(version), kernel \(current) (chosen by curate: OpenBLAS picked \(fallback))"
        }
        return "\(version), kernel \(current)" + (environment["OPENBLAS_CORETYPE"] != nil ? " (OPENBLAS_CORETYPE)" : "")
    }
}
