import CMPIBridge
import Foundation
import Train

/// What went wrong in an MPI call.
public struct MPIError: Error, CustomStringConvertible {
    public let description: String

    init(_ what: String, code: Int32) {
        var text = [CChar](repeating: 0, count: 512)
        curate_mpi_error_text(code, &text, Int32(text.count))
        let message = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        description = "MPI: \(what) failed: \(message)"
    }
}

/// Data-parallel training's processes on OpenMPI (Debian's libopenmpi-dev), started by `mpirun -n N`
/// or `srun -n N`. The sums are curate's own ring (Sources/CMPIBridge/bridge.c says why).
public final class MPICollective: Collective {
    public let rank: Int
    public let size: Int
    private var scratch: [Float] = []
    private var doubleScratch: [Double] = []

    /// Whether this process was started by an MPI launcher (OpenMPI's mpirun, or Slurm's srun with PMI).
    public static var launched: Bool {
        let environment = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"].contains { environment[$0] != nil }
    }

    /// Joins the run (MPI_Init).
    public init() throws {
        var rank: Int32 = 0, size: Int32 = 1
        let code = curate_mpi_start(&rank, &size)
        guard code == 0 else { throw MPIError("MPI_Init", code: code) }
        self.rank = Int(rank)
        self.size = Int(size)
    }

    public func sum(_ values: UnsafeMutablePointer<Float>, count: Int) throws {
        guard size > 1 else { return }
        if scratch.count < count / size + 1 { scratch = [Float](repeating: 0, count: count / size + 1) }
        let code = scratch.withUnsafeMutableBufferPointer { curate_mpi_allreduce_sum(values, count, $0.baseAddress!) }
        guard code == 0 else { throw MPIError("the gradient sum", code: code) }
    }

    public func sum(_ values: UnsafeMutablePointer<Double>, count: Int) throws {
        guard size > 1 else { return }
        if doubleScratch.count < count / size + 1 { doubleScratch = [Double](repeating: 0, count: count / size + 1) }
        let code = doubleScratch.withUnsafeMutableBufferPointer { curate_mpi_allreduce_sum_double(values, count, $0.baseAddress!) }
        guard code == 0 else { throw MPIError("a sum", code: code) }
    }

    /// Waits for every process.
    public func barrier() throws {
        let code = curate_mpi_barrier()
        guard code == 0 else { throw MPIError("MPI_Barrier", code: code) }
    }

    /// MPI_Finalize: the launcher expects every process to call it before exiting.
    public func finish() { _ = curate_mpi_finish() }

    /// Ends every process of the run, after an error in this one.
    public func abort(code: Int32) -> Never {
        curate_mpi_abort(code)
        exit(code)
    }
}
