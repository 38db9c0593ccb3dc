import ArgumentParser
import Core
import Foundation
import Store
import Train

/// An error that ends a subcommand with a given exit code, its message already printed.
struct ExitStatus: Error {
    var code: Int32
}

/// Runs the command line with curate's exit codes: 0 done; 1 failed; 2 usage error; 3 records
/// rejected under --strict. Errors print one line (`curate: error: …`, maybe a hint), never a trace.
@main
enum Main {
    static func main() {
        BLASKernel.checkIfAsked()
        let command: ParsableCommand
        do {
            command = try Curate.parseAsRoot()
        } catch {
            let code = Curate.exitCode(for: error)
            if code == .success && CommandLine.arguments.dropFirst().first == "--version" {
                // The version names the BLAS kernel a training command would run.
                BLASKernel.ensureFast { Console(quiet: false).warning($0, kind: "blas") }
                print(VersionInfo.text)
                exit(0)
            }
            let message = Curate.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            exit(2)
        }
        // OpenBLAS starts its thread pool when the library loads (before main), and the pool spins
        // on sched_yield for about 0.1 s waiting for work: a core's worth of time taken from stages
        // that never multiply a matrix. Those stop it; a later BLAS call would start it again.
        if command is WithoutBLAS {
            stopIdleBLASThreads()
        } else {
            BLASKernel.ensureFast { Console(quiet: false).warning($0, kind: "blas") }
        }
        do {
            var runnable = command
            try runnable.run()
        } catch let status as ExitStatus {
            exit(status.code)
        } catch let error as HintedError {
            Console(quiet: false).error(error.description, hint: error.hint)
            exit(1)
        } catch let error as CleanExit {
            _ = error
            exit(0)
        } catch {
            let code = Curate.exitCode(for: error)
            // `curate --help` parses into ArgumentParser's HelpCommand, whose run() throws a
            // help request: that is success, printed on stdout like the parser's own help.
            if code == .success {
                print(Curate.fullMessage(for: error))
                exit(0)
            }
            if code != .failure {
                FileHandle.standardError.write(Data((Curate.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            Console(quiet: false).error(String(describing: error))
            exit(1)
        }
    }
}

/// A subcommand that never calls BLAS (only `train`, `finetune`, `experiment`, `eval`, `predict`, `run`
/// and GPT scoring do).
protocol WithoutBLAS {}

extension IngestCommand: WithoutBLAS {}
extension FilterCommand: WithoutBLAS {}
extension DedupCommand: WithoutBLAS {}
extension ExportCommand: WithoutBLAS {}
extension MergeCommand: WithoutBLAS {}
extension StatsCommand: WithoutBLAS {}
extension ShowCommand: WithoutBLAS {}
extension RejectsCommand: WithoutBLAS {}
extension ReportCommand: WithoutBLAS {}
extension LMTrainCommand: WithoutBLAS {}
extension LMBuildBinaryCommand: WithoutBLAS {}
extension LMQueryCommand: WithoutBLAS {}
