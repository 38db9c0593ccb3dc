import Core
import Foundation

/// An input file found on disk, not yet opened.
public struct InputFile: Sendable {
    /// Absolute path with symbolic links resolved: the file's identity in the store.
    public var path: String
    /// The path as the user would write it (argument-relative), for messages.
    public var displayPath: String
    /// Root-relative name (`samples/en/essays.jsonl`), independent of where the corpus is mounted;
    /// part of every document id.
    public var key: String
    public var format: InputFormat
    public var size: Int64
    public var mtime: Int64
    /// The file's index among every file the arguments name, before a partition keeps its share: the
    /// order one ingest of all of them reads the files in.
    public var rank = 0
}

/// One of N deterministic groups of the input files: a file (or an unusable path) belongs to partition
/// XXH3-64 of its root-relative key (of its path, for an unusable one) modulo N, so a split never depends
/// on the machine, the order of discovery or the other files.
public struct InputPartition: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index))
        self.index = index
        self.count = count
    }

    /// Parses "K/N" (0-based K).
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index) else { return nil }
        self.init(index: index, count: count)
    }

    public func contains(key: String) -> Bool {
        Int(Hash128(utf8: key, seed: 0x7061_7274).low % UInt64(count)) == index // seed "part"
    }

    public var description: String { "\(index)/\(count)" }
}

/// An input path that could not be used at all.
public struct InputProblem: Sendable {
    public var path: String
    public var displayPath: String
    public var reason: RejectReason
    public var message: String
}

/// The files named by the command line, in a deterministic order.
public struct DiscoveredInputs: Sendable {
    public var files: [InputFile] = []
    public var problems: [InputProblem] = []
    /// Files inside directories whose names have no known extension (skipped, not rejected).
    public var unrecognized: [String] = []
}

/// Expands command-line paths into input files: directories are walked recursively in byte order of
/// their entries (so runs are deterministic), hidden entries are skipped, symbolic links are followed
/// with loop detection, and each file is listed once however many paths reach it.
public struct InputDiscovery {
    public var glob: String?
    public var formatOverride: RecordFormat?
    public var partition: InputPartition?

    public init(glob: String? = nil, formatOverride: RecordFormat? = nil, partition: InputPartition? = nil) {
        self.glob = glob
        self.formatOverride = formatOverride
        self.partition = partition
    }

    private struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    public func discover(_ arguments: [String]) -> DiscoveredInputs {
        var result = DiscoveredInputs()
        var seenFiles = Set<FileIdentity>()
        for argument in arguments {
            var info = stat()
            guard stat(argument, &info) == 0 else {
                result.problems.append(problem(for: argument, errno: errno))
                continue
            }
            let real = realPath(argument) ?? absolute(argument)
            if info.st_mode & S_IFMT == S_IFDIR {
                let root = lastComponent(real)
                walk(directory: real, display: trimmedSlash(argument), keyPrefix: root,
                     ancestors: [FileIdentity(info)], seenFiles: &seenFiles, into: &result)
            } else {
                add(path: real, display: argument, key: lastComponent(real), info: info, explicit: true,
                    seenFiles: &seenFiles, into: &result)
            }
        }
        for index in result.files.indices { result.files[index].rank = index }
        if let partition {
            result.files = result.files.filter { partition.contains(key: $0.key) }
            result.problems = result.problems.filter { partition.contains(key: $0.path) }
        }
        return result
    }

    // MARK: Walking

    private func walk(directory: String, display: String, keyPrefix: String, ancestors: Set<FileIdentity>,
                      seenFiles: inout Set<FileIdentity>, into result: inout DiscoveredInputs) {
        guard let handle = opendir(directory) else {
            let code = errno
            result.problems.append(InputProblem(path: directory, displayPath: display, reason: .unreadable,
                                                message: "cannot list directory: \(String(cString: strerror(code)))"))
            return
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        closedir(handle)
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }

        for name in names {
            let path = directory + "/" + name
            let shown = display + "/" + name
            let key = keyPrefix + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else {
                result.problems.append(problem(for: shown, errno: errno, absolutePath: path))
                continue
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                let identity = FileIdentity(info)
                if ancestors.contains(identity) {
                    result.problems.append(InputProblem(path: path, displayPath: shown, reason: .symlinkLoop,
                                                        message: "symbolic link loop: leads back to a directory above it"))
                    continue
                }
                walk(directory: path, display: shown, keyPrefix: key, ancestors: ancestors.union([identity]),
                     seenFiles: &seenFiles, into: &result)
            } else {
                if let glob, !matches(glob: glob, name: name, relativePath: String(key.drop(while: { $0 != "/" }).dropFirst())) {
                    continue
                }
                add(path: realPath(path) ?? path, display: shown, key: key, info: info, explicit: false,
                    seenFiles: &seenFiles, into: &result)
            }
        }
    }

    private func add(path: String, display: String, key: String, info: stat, explicit: Bool,
                     seenFiles: inout Set<FileIdentity>, into result: inout DiscoveredInputs) {
        guard info.st_mode & S_IFMT == S_IFREG else {
            result.problems.append(InputProblem(path: path, displayPath: display, reason: .unreadable, message: "not a regular file"))
            return
        }
        guard let format = InputFormat.detect(fileName: lastComponent(display), override: formatOverride) else {
            if explicit {
                result.problems.append(InputProblem(
                    path: path, displayPath: display, reason: .unsupportedFormat,
                    message: "unknown file type (expected .jsonl, .json, .txt or .warc.wet, optionally .gz or .zst)"))
            } else {
                result.unrecognized.append(display)
            }
            return
        }
        guard seenFiles.insert(FileIdentity(info)).inserted else { return }
        result.files.append(InputFile(path: path, displayPath: display, key: key, format: format,
                                      size: Int64(info.st_size), mtime: Int64(info.st_mtim.tv_sec)))
    }

    // MARK: Helpers

    private func matches(glob: String, name: String, relativePath: String) -> Bool {
        fnmatch(glob, glob.contains("/") ? relativePath : name, 0) == 0
    }

    private func problem(for display: String, errno code: Int32, absolutePath: String? = nil) -> InputProblem {
        let path = absolutePath ?? absolute(display)
        switch code {
        case ENOENT, ENOTDIR:
            var link = stat()
            let dangling = lstat(path, &link) == 0 && link.st_mode & S_IFMT == S_IFLNK
            return InputProblem(path: path, displayPath: display, reason: .notFound,
                                message: dangling ? "dangling symbolic link" : "no such file or directory")
        case ELOOP:
            return InputProblem(path: path, displayPath: display, reason: .symlinkLoop, message: "symbolic link loop")
        default:
            return InputProblem(path: path, displayPath: display, reason: .unreadable, message: String(cString: strerror(code)))
        }
    }

    private func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    private func lastComponent(_ path: String) -> String {
        let trimmed = trimmedSlash(path)
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }

    private func trimmedSlash(_ path: String) -> String {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }
}
