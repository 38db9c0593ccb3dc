import CZstd

/// An error reported by libzstd.
public struct ZstdError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(code: Int) {
        description = String(cString: ZSTD_getErrorName(code))
    }

    init(_ message: String) {
        description = message
    }
}

/// One-shot zstd compression with a reusable context. Not thread-safe: one per thread.
public final class ZstdCompressor {
    private let context: OpaquePointer
    public let level: Int32

    /// `level` 1…19; level 3 is zstd's default, ~530 MB/s per core on this machine class.
    public init(level: Int32 = 3) {
        context = ZSTD_createCCtx()
        self.level = level
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `input` into one zstd frame (with its content size recorded in the header).
    public func compress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { out in
            ZSTD_compressCCtx(context, out.baseAddress, bound, input.baseAddress, input.count, level)
        }
        if ZSTD_isError(written) != 0 { throw ZstdError(code: written) }
        output.removeLast(bound - written)
        return output
    }

    public func compress(_ input: [UInt8]) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0) }
    }
}

/// One-shot zstd decompression of frames written by `ZstdCompressor`. Not thread-safe: one per thread.
public final class ZstdDecompressor {
    private let context: OpaquePointer

    public init() {
        context = ZSTD_createDCtx()
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses one frame whose header records its content size.
    public func decompress(_ input: UnsafeRawBufferPointer, limit: Int = 1 << 31) throws -> [UInt8] {
        let size = try Self.contentSize(of: input, limit: limit)
        var output = [UInt8](repeating: 0, count: Int(size))
        let written = output.withUnsafeMutableBytes { out in
            ZSTD_decompressDCtx(context, out.baseAddress, out.count, input.baseAddress, input.count)
        }
        if ZSTD_isError(written) != 0 { throw ZstdError(code: written) }
        guard written == Int(size) else { throw ZstdError("zstd frame decoded to \(written) bytes, header said \(size)") }
        return output
    }

    public func decompress(_ input: [UInt8], limit: Int = 1 << 31) throws -> [UInt8] {
        try input.withUnsafeBytes { try decompress($0, limit: limit) }
    }

    /// Decompresses one frame into the front of `buffer`, which grows (doubling) when it is too small
    /// and is otherwise reused: no allocation per frame on a hot path. Returns the decompressed size.
    public func decompress(_ input: UnsafeRawBufferPointer, into buffer: inout [UInt8], limit: Int = 1 << 31) throws -> Int {
        let size = try Self.contentSize(of: input, limit: limit)
        if buffer.count < Int(size) { buffer = [UInt8](repeating: 0, count: max(Int(size), 2 * buffer.count, 1 << 16)) }
        let written = buffer.withUnsafeMutableBytes { out in
            ZSTD_decompressDCtx(context, out.baseAddress, Int(size), input.baseAddress, input.count)
        }
        if ZSTD_isError(written) != 0 { throw ZstdError(code: written) }
        guard written == Int(size) else { throw ZstdError("zstd frame decoded to \(written) bytes, header said \(size)") }
        return written
    }

    /// The content size a frame's header records, checked against `limit`.
    private static func contentSize(of input: UnsafeRawBufferPointer, limit: Int) throws -> UInt64 {
        let size = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        // ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR are the two largest UInt64 values.
        guard size < UInt64.max - 1 else { throw ZstdError("zstd frame without a content size, or not a zstd frame") }
        guard size <= UInt64(limit) else { throw ZstdError("zstd frame of \(size) bytes exceeds the \(limit)-byte limit") }
        return size
    }
}

/// The linked libzstd's version, e.g. "1.5.4".
public var zstdVersion: String { String(cString: ZSTD_versionString()) }
