import Foundation
import Testing
@testable import Train

/// The numeric check a BLAS kernel must pass before curate runs it.
@Suite struct BLASCheckTests {
    @Test func theKernelInUsePassesAndAWrongProductFails() throws {
        #expect(BLASKernel.check() == false, "outside the child (no core type asked for), the check refuses")
        let (m, n, k) = (5, 4, 7)
        let a = (0..<(m * k)).map { Float(($0 * 7) % 11) / 10 - 0.5 }, b = (0..<(k * n)).map { Float(($0 * 5) % 13) / 10 - 0.6 }
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        #expect(BLASKernel.agrees(c, a: a, b: b, m: m, n: n, k: k))
        var wrong = c
        wrong[7] += 1e-3
        #expect(!BLASKernel.agrees(wrong, a: a, b: b, m: m, n: n, k: k), "an entry off by 1e-3 is caught")
        wrong = c
        wrong[3] = .nan
        #expect(!BLASKernel.agrees(wrong, a: a, b: b, m: m, n: n, k: k), "NaN is caught")
    }

    @Test func candidatesFollowTheCPU() {
        #expect(BLASKernel.candidates(environment: ["CURATE_BLAS_CANDIDATES": "A,B"]) == ["A", "B"])
        let list = BLASKernel.candidates(environment: [:])
        #expect(list.allSatisfy { ["Cooperlake", "SkylakeX", "Haswell"].contains($0) })
        if list.contains("Cooperlake") { #expect(list.first == "Cooperlake") }
        #expect(BLASKernel.generic.contains("Prescott") && !BLASKernel.generic.contains("Haswell") && !BLASKernel.generic.contains("Zen"))
    }
}
