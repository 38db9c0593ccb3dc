import Foundation

/// A file's content fingerprint: XXH3-128 over its size and its first and last 64 KiB. It identifies a
/// file's content without reading all of it; the same bytes under another path give the same value.
public enum FileFingerprint {
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Bytes hashed at each end of a file.
    public static let span = 64 << 10

    public static func of(path: String) throws -> Hash128 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ReadError(description: "\(path): \(String(cString: strerror(errno)))") }
        return try of(path: path, size: Int64(info.st_size))
    }

    public static func of(path: String, size: Int64) throws -> Hash128 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(description: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var builder = Hash128Builder(seed: 0x6669_6E67_6572) // "finger"
        builder.update(UInt64(size))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: span, alignment: 16)
        defer { buffer.deallocate() }
        // Read the head even when stat says 0 bytes: some files (in /proc, on FUSE) only fail on read.
        for offset in size > Int64(span) ? [0, size - Int64(span)] : [0] {
            let count = pread(descriptor, buffer.baseAddress, span, off_t(offset))
            guard count >= 0 else { throw ReadError(description: "read failed: \(String(cString: strerror(errno)))") }
            builder.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        return builder.finish()
    }
}
