# Sourced by the scripts: puts Swift on PATH when it is installed at /opt/swift but not on PATH.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

# The tests build and run in release mode with testing enabled (for @testable imports): measured here on
# 2 cores, the suite ran in 67 s against 782 s for a debug build, for a build of 275 s against 120 s.
# The build has a folder of its own (.build-test), so that it and the plain release build of the
# benchmarks do not rebuild each other, and CURATE_TEST_BUILD tells Package.swift to leave the glue
# modules (command line, report, fuzz runner) unoptimised. The scripts that run curate in tests use the
# binary of this same build. Twice as many compile jobs as cores, and LLVM code generation on as many
# threads within each whole-module job: most of the build is a few large modules compiled one after
# another, and on a machine shared with other work more threads get more of it.
# Usage: test_swift build|test [ARGUMENTS…]
test_swift() {
    local command=$1
    shift
    local jobs=$(( $(nproc) * 2 ))
    CURATE_TEST_BUILD=1 swift "$command" -c release -Xswiftc -enable-testing -Xswiftc -num-threads -Xswiftc "$jobs" \
        --jobs "$jobs" --scratch-path .build-test "$@"
}
