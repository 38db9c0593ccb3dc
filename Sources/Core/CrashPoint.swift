import Foundation

/// Fault injection for crash tests: the process kills itself with SIGKILL at an exact place in its own
/// progress, so a test can stop a stage at the first, middle or last commit, or between a shard's rename
/// and the manifest's, the same way on an idle machine and on a busy one (a kill drawn on the clock lands
/// wherever the scheduler happens to be).
///
/// Three environment variables, read once at start-up (docs/store.md, "Crash points"):
/// - `CURATE_CRASH_AT=POINT:N` kills the process the Nth time (from 1) it reaches POINT.
/// - `CURATE_STOP_AT=POINT:N` stops the process there instead (SIGSTOP; SIGCONT resumes it), so a test can
///   hold a stage at an exact place while it tries something else on the same store.
/// - `CURATE_CRASH_TRACE=FILE` appends the name of every point reached to FILE, one a line, so a test can
///   count a clean run's points and choose where to kill.
///
/// While any is set, grouped transactions commit after every unit of work (`CrashPoint.isActive`), so
/// the commits fall at the same places on every run, whatever the machine's speed.
///
/// The points: `before-commit` and `commit` (every write transaction of the store, just before and just
/// after its COMMIT), `batch-commit` (after the commit of a stage's grouped units of work: the same
/// place as a `commit`, but not counting schema changes and bookkeeping), `rename` (export: a shard or
/// the manifest moved into place), `best-model`, `metrics` and `checkpoint` (train: each file written),
/// `merge-rename` (merge: the finished store moved into place).
public enum CrashPoint {
    private struct Plan {
        var crash: (point: String, count: Int)?
        var stop: (point: String, count: Int)?
        var trace: Int32 = -1
    }

    private final class State: @unchecked Sendable { // `reached` is only touched under `lock`
        let lock = NSLock()
        var reached: [String: Int] = [:]
    }

    private static let plan: Plan? = {
        let environment = ProcessInfo.processInfo.environment
        var plan = Plan()
        /// POINT or POINT:N (N from 1; 1 when left out).
        func place(_ variable: String) -> (String, Int)? {
            guard let spec = environment[variable], !spec.isEmpty else { return nil }
            let parts = spec.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count == 2 ? Int(parts[1]) ?? 1 : 1)
        }
        plan.crash = place("CURATE_CRASH_AT")
        plan.stop = place("CURATE_STOP_AT")
        if let path = environment["CURATE_CRASH_TRACE"], !path.isEmpty {
            plan.trace = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        }
        return plan.crash == nil && plan.stop == nil && plan.trace < 0 ? nil : plan
    }()

    private static let state = State()

    /// True when crash points are armed or traced: stages then make their progress in fixed steps.
    public static var isActive: Bool { plan != nil }

    /// Marks a point in the program's progress: traced, and the process killed here when this is the
    /// planned place. Costs one check when fault injection is off.
    public static func reached(_ name: String) {
        guard let plan else { return }
        state.lock.lock()
        defer { state.lock.unlock() }
        let count = (state.reached[name] ?? 0) + 1
        state.reached[name] = count
        if plan.trace >= 0 {
            let line = Array((name + "\n").utf8)
            _ = line.withUnsafeBytes { write(plan.trace, $0.baseAddress, $0.count) }
        }
        if let crash = plan.crash, crash.point == name && crash.count == count {
            kill(getpid(), SIGKILL)
            while true { pause() } // in case the signal is not delivered before kill returns: nothing runs on
        }
        if let stop = plan.stop, stop.point == name && stop.count == count {
            kill(getpid(), SIGSTOP)
        }
    }
}
