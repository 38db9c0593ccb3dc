import Foundation

/// A producer thread, a pool of worker threads and an in-order consumer: the shape of every CPU-bound
/// stage. The producer reads and splits input, the workers do the per-item work in parallel, and the
/// calling thread receives the results in the order the producer emitted them (so the output of a
/// stage is deterministic whatever the thread count), typically to write them to the store.
///
/// Memory stays bounded: the producer blocks while `capacity` items are between it and the consumer.
public enum OrderedPipeline {
    /// Runs the pipeline to completion.
    /// - Parameters:
    ///   - workers: number of worker threads (at least 1).
    ///   - capacity: the most items produced but not yet consumed.
    ///   - produce: runs on its own thread; calls `emit` for each item, which returns false when the
    ///     pipeline was cancelled (the producer should then return).
    ///   - makeWorker: called once on each worker thread, returns that thread's transform (so each
    ///     worker can own non-thread-safe state such as a compression context). An error the transform
    ///     throws reaches the consumer in its item's place: the pipeline then stops as if `consume` threw.
    ///   - consume: runs on the calling thread, in production order. If it throws, the pipeline stops
    ///     and the error is rethrown after all threads have finished.
    public static func run<Input: Sendable, Output: Sendable>(
        workers: Int,
        capacity: Int,
        produce: @escaping @Sendable (_ emit: (Input) -> Bool) throws -> Void,
        makeWorker: @escaping @Sendable () -> (Input) throws -> Output,
        consume: (Output) throws -> Void
    ) throws {
        // A small --max-memory budget keeps fewer batches in flight.
        let capacity = min(capacity, MemoryBudget.current?.pipelineCapacity(threads: max(1, workers)) ?? capacity)
        let state = PipelineState<Input, Result<Output, Error>>(capacity: max(1, capacity))
        let finished = DispatchGroup()

        func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
            finished.enter()
            let thread = Thread {
                body()
                finished.leave()
            }
            thread.name = name
            thread.stackSize = 8 << 20
            thread.start()
        }

        start("curate.produce") {
            do {
                try produce { state.push($0) }
                state.finishProducing(error: nil)
            } catch {
                state.finishProducing(error: error)
            }
        }
        for index in 0..<max(1, workers) {
            start("curate.work.\(index)") {
                let transform = makeWorker()
                while let (sequence, input) = state.take() {
                    state.complete(sequence, Result(catching: { try transform(input) }))
                }
            }
        }

        var failure: Error?
        do {
            while let output = try state.next() {
                try consume(output.get())
            }
        } catch {
            failure = error
        }
        state.cancel()
        finished.wait()
        if let failure { throw failure }
    }
}

/// The shared queues of one `OrderedPipeline` run, guarded by one condition variable.
private final class PipelineState<Input, Output>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    /// Items waiting for a worker; taken slots are set to nil at once so that their memory is freed.
    private var pending: [(Int, Input)?] = []
    private var pendingHead = 0
    private var results: [Int: Output] = [:]
    private var produced = 0
    private var consumed = 0
    private var producing = true
    private var producerError: Error?
    private var cancelled = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Producer side: enqueues an item, waiting while the pipeline is full. False once cancelled.
    func push(_ input: Input) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while produced - consumed >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        pending.append((produced, input))
        produced += 1
        condition.broadcast()
        return true
    }

    func finishProducing(error: Error?) {
        condition.lock()
        producing = false
        producerError = error
        condition.broadcast()
        condition.unlock()
    }

    /// Worker side: the next item to transform, or nil when there is no more work.
    func take() -> (Int, Input)? {
        condition.lock()
        defer { condition.unlock() }
        while pendingHead == pending.count && producing && !cancelled { condition.wait() }
        guard !cancelled, pendingHead < pending.count else { return nil }
        let item = pending[pendingHead].take()
        pendingHead += 1
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        }
        return item
    }

    func complete(_ sequence: Int, _ output: Output) {
        condition.lock()
        results[sequence] = output
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer side: the next result in production order, nil at the end; rethrows the producer's error.
    func next() throws -> Output? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let output = results.removeValue(forKey: consumed) {
                consumed += 1
                condition.broadcast()
                return output
            }
            if !producing && consumed == produced {
                if let producerError { throw producerError }
                return nil
            }
            condition.wait()
        }
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
