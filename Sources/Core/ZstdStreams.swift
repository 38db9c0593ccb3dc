import CZstd
import Foundation

/// Streaming zstd compression into one frame, handing each compressed chunk to `sink` (which writes it
/// and, say, hashes it). With `workers` > 0 libzstd compresses on its own threads while the caller
/// produces the next input.
public final class ZstdStreamCompressor {
    private let context: OpaquePointer
    private var output: [UInt8]
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    public private(set) var bytesIn: Int64 = 0
    public private(set) var bytesOut: Int64 = 0

    public init(level: Int32 = 3, workers: Int32 = 0, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        context = ZSTD_createCCtx()
        output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        self.sink = sink
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1))
        if workers > 0 {
            // Ignored (an error we do not treat as fatal) by a libzstd built without threads.
            _ = ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, workers)
        }
    }

    deinit { ZSTD_freeCCtx(context) }

    private func check(_ code: Int) throws {
        if ZSTD_isError(code) != 0 { throw ZstdError(code: code) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        bytesIn += Int64(bytes.count)
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while input.pos < input.size {
            try step(&input, ZSTD_e_continue)
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Ends the frame and flushes everything to the sink.
    public func finish() throws {
        var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try step(&input, ZSTD_e_end) != 0 {}
    }

    @discardableResult
    private func step(_ input: inout ZSTD_inBuffer, _ mode: ZSTD_EndDirective) throws -> Int {
        try output.withUnsafeMutableBytes { buffer in
            var out = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
            let remaining = ZSTD_compressStream2(context, &out, &input, mode)
            try check(remaining)
            if out.pos > 0 {
                bytesOut += Int64(out.pos)
                try sink(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<out.pos]))
            }
            return remaining
        }
    }
}

/// Reads a zstd file (one or more frames) and calls `body` with each line, without its newline.
/// Memory holds one input chunk, one output chunk and the current line.
public enum ZstdLines {
    public static func forEach(path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ZstdError("cannot open \(path)") }
        defer { try? handle.close() }
        let context = ZSTD_createDCtx()
        defer { ZSTD_freeDCtx(context) }
        var output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        var line: [UInt8] = []
        var lastHint = 0
        var sawInput = false
        while let chunk = try handle.read(upToCount: ZSTD_DStreamInSize()), !chunk.isEmpty {
            sawInput = true
            try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var input = ZSTD_inBuffer(src: raw.baseAddress, size: raw.count, pos: 0)
                var produced = 0
                // Until the chunk is consumed and the decoder has nothing left for a full output buffer.
                repeat {
                    produced = try output.withUnsafeMutableBytes { buffer in
                        var out = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
                        lastHint = ZSTD_decompressStream(context, &out, &input)
                        if ZSTD_isError(lastHint) != 0 { throw ZstdError("\(path): \(String(cString: ZSTD_getErrorName(lastHint)))") }
                        return out.pos
                    }
                    try output.withUnsafeBytes { bytes in
                        var start = 0
                        for index in 0..<produced where bytes[index] == 0x0A {
                            line.append(contentsOf: bytes[start..<index])
                            try line.withUnsafeBytes(body)
                            line.removeAll(keepingCapacity: true)
                            start = index + 1
                        }
                        line.append(contentsOf: bytes[start..<produced])
                    }
                } while input.pos < input.size || produced == output.count
            }
        }
        guard sawInput, lastHint == 0 else { throw ZstdError("\(path): the zstd data ends before the end of its frame") }
        if !line.isEmpty { try line.withUnsafeBytes(body) }
    }
}
