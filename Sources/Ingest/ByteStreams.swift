import CZlib
import CZstd
import Foundation

/// Why bytes could not be read from an input.
enum StreamError: Error, Sendable {
    /// open/read failed (the message is the system's).
    case io(String)
    /// The compressed stream ended before its end marker.
    case truncated(String)
    /// The compressed data is damaged.
    case corrupt(String)

    var reason: RejectReason {
        switch self {
        case .io: .unreadable
        case .truncated: .truncated
        case .corrupt: .corrupt
        }
    }

    var message: String {
        switch self {
        case .io(let message), .truncated(let message), .corrupt(let message): message
        }
    }
}

/// A source of bytes: a file, or a decompressor reading one.
protocol ByteStream: AnyObject {
    /// Reads up to `buffer.count` bytes; returns 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> Int
    /// Bytes consumed from the file on disk so far (for progress against file sizes).
    var fileOffset: Int64 { get }
}

/// Opens the right stream for a file's compression.
func openStream(path: String, compression: Compression) throws(StreamError) -> ByteStream {
    let file = try FileStream(path: path)
    switch compression {
    case .none: return file
    case .gzip: return try GzipStream(file: file)
    case .zstd: return ZstdStream(file: file)
    }
}

// MARK: - Plain files

/// Reads a file with read(2): no per-call allocation, no Foundation buffering.
final class FileStream: ByteStream {
    private let descriptor: Int32
    private(set) var fileOffset: Int64 = 0

    init(path: String) throws(StreamError) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(String(cString: strerror(errno))) }
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 {
                fileOffset += Int64(count)
                return count
            }
            if errno != EINTR { throw .io("read failed: \(String(cString: strerror(errno)))") }
        }
    }
}

// MARK: - gzip (zlib)

/// Inflates gzip data, including files of several concatenated members (Common Crawl's WET files are
/// one member per record).
final class GzipStream: ByteStream {
    private let file: FileStream
    private var stream = z_stream()
    private let input: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    /// True between the end of one member and the first byte of the next: a clean place to stop.
    private var atMemberBoundary = false
    private var sawInput = false
    private var finished = false

    var fileOffset: Int64 { file.fileOffset }

    init(file: FileStream) throws(StreamError) {
        self.file = file
        input = .allocate(byteCount: 256 << 10, alignment: 16)
        // windowBits 15 + 32: accept gzip or zlib headers.
        let rc = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            input.deallocate()
            throw .io("zlib initialisation failed (\(rc))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(buffer.count)
        while stream.avail_out == UInt32(buffer.count) {
            if stream.avail_in == 0 && !inputEnded {
                let count = try file.read(into: input)
                if count == 0 {
                    inputEnded = true
                } else {
                    sawInput = true
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = UInt32(count)
                }
            }
            if stream.avail_in == 0 && inputEnded {
                if atMemberBoundary { finished = true; break }
                throw .truncated(sawInput ? "gzip data ends before its end marker" : "empty file is not gzip data")
            }
            let rc = inflate(&stream, Z_NO_FLUSH)
            switch rc {
            case Z_STREAM_END:
                atMemberBoundary = true
                inflateReset(&stream)
            case Z_OK:
                atMemberBoundary = false
            case Z_BUF_ERROR:
                break // no progress possible until more input arrives
            case Z_DATA_ERROR:
                let detail = stream.msg.map { String(cString: $0) } ?? "invalid data"
                throw .corrupt("gzip data is damaged (\(detail)) near byte \(file.fileOffset) of the file")
            default:
                throw .io("zlib failed (\(rc))")
            }
        }
        return buffer.count - Int(stream.avail_out)
    }
}

// MARK: - zstd

/// Decompresses zstd data, including several concatenated frames.
final class ZstdStream: ByteStream {
    private let file: FileStream
    private let context: OpaquePointer
    private let input: UnsafeMutableRawBufferPointer
    private var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var inputEnded = false
    private var frameComplete = false
    private var sawInput = false
    private var finished = false

    var fileOffset: Int64 { file.fileOffset }

    init(file: FileStream) {
        self.file = file
        context = ZSTD_createDStream()
        ZSTD_initDStream(context)
        input = .allocate(byteCount: ZSTD_DStreamInSize(), alignment: 16)
    }

    deinit {
        ZSTD_freeDStream(context)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        var outBuffer = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
        while outBuffer.pos == 0 {
            if inBuffer.pos == inBuffer.size && !inputEnded {
                let count = try file.read(into: input)
                if count == 0 {
                    inputEnded = true
                } else {
                    sawInput = true
                    inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: count, pos: 0)
                }
            }
            if inBuffer.pos == inBuffer.size && inputEnded {
                // Drain what the decoder still holds before deciding the stream is complete.
                let hint = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                if ZSTD_isError(hint) != 0 { throw .corrupt("zstd data is damaged (\(String(cString: ZSTD_getErrorName(hint))))") }
                if outBuffer.pos > 0 { break }
                if frameComplete || hint == 0 { finished = true; break }
                throw .truncated(sawInput ? "zstd data ends before the end of its frame" : "empty file is not zstd data")
            }
            let hint = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
            if ZSTD_isError(hint) != 0 {
                throw .corrupt("zstd data is damaged (\(String(cString: ZSTD_getErrorName(hint)))) near byte \(file.fileOffset) of the file")
            }
            frameComplete = hint == 0
        }
        return outBuffer.pos
    }
}

/// The linked zlib's version, e.g. "1.2.13".
public var zlibVersionString: String { String(cString: CZlib.zlibVersion()) }
