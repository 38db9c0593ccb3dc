import Core
import Foundation
import Testing

@Suite struct OrderedPipelineTests {
    struct Failure: Error {}

    @Test(arguments: [1, 2, 4])
    func deliversResultsInProductionOrder(workers: Int) throws {
        var received: [Int] = []
        try OrderedPipeline.run(
            workers: workers, capacity: 8,
            produce: { emit in for i in 0..<500 { guard emit(i) else { return } } },
            makeWorker: { { (value: Int) -> Int in
                if value % 7 == 0 { usleep(200) } // make workers finish out of order
                return value * value
            } },
            consume: { received.append($0) })
        #expect(received == (0..<500).map { $0 * $0 })
    }

    @Test func rethrowsTheProducersErrorAfterDrainingWhatItEmitted() {
        var received: [Int] = []
        #expect(throws: Failure.self) {
            try OrderedPipeline.run(
                workers: 2, capacity: 4,
                produce: { emit in
                    for i in 0..<10 { _ = emit(i) }
                    throw Failure()
                },
                makeWorker: { { $0 } },
                consume: { received.append($0) })
        }
        #expect(received == Array(0..<10))
    }

    @Test func stopsTheProducerWhenTheConsumerFails() {
        let producedCount = Counter()
        #expect(throws: Failure.self) {
            try OrderedPipeline.run(
                workers: 2, capacity: 4,
                produce: { emit in
                    for i in 0..<1_000_000 {
                        guard emit(i) else { return }
                        producedCount.increment()
                    }
                },
                makeWorker: { { $0 } },
                consume: { value in if value == 10 { throw Failure() } })
        }
        // Bounded by the capacity, the producer cannot have run far ahead of the failure.
        #expect(producedCount.value < 100)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
