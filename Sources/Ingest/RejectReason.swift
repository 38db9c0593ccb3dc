/// Why an input or a record was not ingested: the reason codes of the `rejects` table.
public enum RejectReason: String, CaseIterable, Sendable, Codable {
    // The input path as a whole.
    case notFound = "not_found"
    case symlinkLoop = "symlink_loop"
    case unreadable
    case unsupportedFormat = "unsupported_format"
    // The compressed stream.
    case truncated
    case corrupt
    // One record.
    case invalidUTF8 = "invalid_utf8"
    case malformedJSON = "malformed_json"
    case missingText = "missing_text"
    case textNotString = "text_not_string"
    case nulByte = "nul_byte"
    case empty
    case tooLarge = "too_large"
    case malformedWARC = "malformed_warc"

    /// One line for `curate rejects --help` and the docs.
    public var explanation: String {
        switch self {
        case .notFound: "the path does not exist (or is a dangling link)"
        case .symlinkLoop: "the path is a symbolic link that leads back to itself or to a directory above it"
        case .unreadable: "the file could not be opened or read (permissions, I/O error, not a regular file)"
        case .unsupportedFormat: "the file name has no known extension (.jsonl, .json, .txt, .warc.wet, optionally .gz/.zst); use --format"
        case .truncated: "the compressed stream ends before its end marker; records before the cut were kept"
        case .corrupt: "the compressed data is damaged; records before the damage were kept"
        case .invalidUTF8: "the record is not valid UTF-8 (or a JSON \\u escape is a lone surrogate)"
        case .malformedJSON: "the line is not one well-formed JSON object"
        case .missingText: "the JSON object has no text field (see --text-field)"
        case .textNotString: "the text field is not a string"
        case .nulByte: "the text contains a NUL byte"
        case .empty: "the text is empty or only white space"
        case .tooLarge: "the record is larger than --max-doc-bytes"
        case .malformedWARC: "a WARC record with a missing or bad header"
        }
    }
}
