import Foundation

/// The fields ingest takes from one JSON Lines record.
struct JSONRecordFields {
    /// Whether the text field was present, and whether it was a string.
    enum TextState { case missing, string, notString(kind: String) }

    var textState = TextState.missing
    /// The decoded text (valid UTF-8 when `textState == .string`).
    var text: [UInt8] = []
    /// True when a `\u0000` escape appeared in the text.
    var textHasNUL = false
    var externalID: String?
    /// The other members as a JSON object, or nil when there are none.
    var metadata: String?

    mutating func reset() {
        textState = .missing
        text.removeAll(keepingCapacity: true)
        textHasNUL = false
        externalID = nil
        metadata = nil
    }
}

/// Why a JSON line was refused.
struct JSONRecordError: Error {
    var reason: RejectReason
    var message: String
}

/// Reads one JSON Lines record from its UTF-8 bytes: the text field decoded, the id field as a string,
/// and every other member copied byte for byte into a metadata object.
///
/// Hand-written because ingest needs what general JSON libraries do not give: byte offsets for error
/// messages, the untouched bytes of the members it does not interpret (no re-encoding of numbers or
/// key order), and a throughput of several hundred MB/s without building an object tree per line.
/// It accepts exactly RFC 8259 JSON (no comments, no trailing commas, no raw control characters).
struct JSONRecordParser {
    let textKey: [UInt8]
    let idKey: [UInt8]
    static let maxDepth = 256

    init(textField: String, idField: String) {
        textKey = Array(textField.utf8)
        idKey = Array(idField.utf8)
    }

    /// Parses `line` (already checked to be valid UTF-8) into `fields`.
    func parse(_ line: UnsafeRawBufferPointer, into fields: inout JSONRecordFields) throws(JSONRecordError) {
        fields.reset()
        guard let base = line.baseAddress, line.count > 0 else {
            throw JSONRecordError(reason: .malformedJSON, message: "empty line")
        }
        var cursor = JSONCursor(bytes: base.assumingMemoryBound(to: UInt8.self), count: line.count)
        var members: [UInt8] = []
        cursor.skipSpace()
        guard cursor.peek == UInt8(ascii: "{") else {
            throw cursor.failure(cursor.atEnd ? "expected a JSON object" : "expected a JSON object, found \(cursor.describeCurrent)")
        }
        cursor.index += 1
        cursor.skipSpace()
        if cursor.peek == UInt8(ascii: "}") {
            cursor.index += 1
        } else {
            try parseMembers(&cursor, fields: &fields, members: &members)
        }
        cursor.skipSpace()
        guard cursor.atEnd else { throw cursor.failure("unexpected \(cursor.describeCurrent) after the object") }
        if !members.isEmpty {
            members.insert(UInt8(ascii: "{"), at: 0)
            members.append(UInt8(ascii: "}"))
            fields.metadata = String(decoding: members, as: UTF8.self)
        }
    }

    private func parseMembers(_ cursor: inout JSONCursor, fields: inout JSONRecordFields, members: inout [UInt8]) throws(JSONRecordError) {
        while true {
            guard cursor.peek == UInt8(ascii: "\"") else { throw cursor.failure("expected a quoted key, found \(cursor.describeCurrent)") }
            let memberStart = cursor.index
            let key = try cursor.scanString()
            cursor.skipSpace()
            guard cursor.peek == UInt8(ascii: ":") else { throw cursor.failure("expected ':' after a key, found \(cursor.describeCurrent)") }
            cursor.index += 1
            cursor.skipSpace()
            if cursor.keyEquals(key, textKey) {
                if cursor.peek == UInt8(ascii: "\"") {
                    fields.text.removeAll(keepingCapacity: true)
                    fields.textHasNUL = try cursor.decodeString(into: &fields.text)
                    fields.textState = .string
                } else {
                    let kind = cursor.valueKind
                    try cursor.skipValue(depth: 0)
                    fields.textState = .notString(kind: kind)
                }
            } else if cursor.keyEquals(key, idKey) {
                let valueStart = cursor.index
                if cursor.peek == UInt8(ascii: "\"") {
                    var decoded: [UInt8] = []
                    _ = try cursor.decodeString(into: &decoded)
                    fields.externalID = String(decoding: decoded, as: UTF8.self)
                } else {
                    try cursor.skipValue(depth: 0)
                    let literal = cursor.text(from: valueStart)
                    fields.externalID = literal == "null" ? nil : literal
                }
            } else {
                try cursor.skipValue(depth: 0)
                if !members.isEmpty { members.append(UInt8(ascii: ",")) }
                members.append(contentsOf: UnsafeBufferPointer(start: cursor.bytes + memberStart, count: cursor.index - memberStart))
            }
            cursor.skipSpace()
            switch cursor.peek {
            case UInt8(ascii: ","):
                cursor.index += 1
                cursor.skipSpace()
            case UInt8(ascii: "}"):
                cursor.index += 1
                return
            default:
                throw cursor.failure(cursor.atEnd ? "unterminated object (no closing '}')" : "expected ',' or '}', found \(cursor.describeCurrent)")
            }
        }
    }
}

/// A position in one line of JSON.
struct JSONCursor {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    var index = 0

    /// A scanned string: the byte range between its quotes, and whether it holds escapes.
    struct StringSpan {
        var start: Int
        var end: Int
        var hasEscapes: Bool
    }

    var atEnd: Bool { index >= count }
    var peek: UInt8 { index < count ? bytes[index] : 0 }

    func failure(_ message: String, reason: RejectReason = .malformedJSON) -> JSONRecordError {
        JSONRecordError(reason: reason, message: "\(message) at byte \(index)")
    }

    var describeCurrent: String {
        guard index < count else { return "end of line" }
        let byte = bytes[index]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(UnicodeScalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16)
    }

    /// The JSON type of the value at the cursor, for messages.
    var valueKind: String {
        switch peek {
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        default: "a number"
        }
    }

    func text(from start: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: bytes + start, count: index - start), as: UTF8.self)
    }

    mutating func skipSpace() {
        while index < count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Compares a scanned key with a field name, decoding escapes only when the key has some.
    func keyEquals(_ key: StringSpan, _ name: [UInt8]) -> Bool {
        if !key.hasEscapes {
            guard key.end - key.start == name.count else { return false }
            return name.withUnsafeBytes { memcmp(bytes + key.start, $0.baseAddress!, name.count) == 0 }
        }
        var copy = JSONCursor(bytes: bytes, count: count, index: key.start - 1)
        var decoded: [UInt8] = []
        guard (try? copy.decodeString(into: &decoded)) != nil else { return false }
        return decoded == name
    }

    // MARK: Strings

    /// Validates the string at the cursor without decoding it.
    mutating func scanString() throws(JSONRecordError) -> StringSpan {
        index += 1 // opening quote
        let start = index
        var hasEscapes = false
        var scratch: [UInt8] = []
        while true {
            guard index < count else { throw failure("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return StringSpan(start: start, end: index - 1, hasEscapes: hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                scratch.removeAll(keepingCapacity: true)
                _ = try decodeEscape(into: &scratch)
                continue
            }
            if byte < 0x20 { throw failure("raw control character 0x\(String(byte, radix: 16)) in a string") }
            index += 1
        }
    }

    /// Decodes the string at the cursor, appending its UTF-8 bytes. Returns true when it held `\u0000`.
    mutating func decodeString(into output: inout [UInt8]) throws(JSONRecordError) -> Bool {
        index += 1 // opening quote
        var sawNUL = false
        while true {
            let runStart = index
            // Fast path: copy the run of bytes that need no decoding in one append.
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                index += 1
            }
            if index > runStart { output.append(contentsOf: UnsafeBufferPointer(start: bytes + runStart, count: index - runStart)) }
            guard index < count else { throw failure("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return sawNUL
            }
            if byte < 0x20 { throw failure("raw control character 0x\(String(byte, radix: 16)) in a string") }
            if try decodeEscape(into: &output) { sawNUL = true }
        }
    }

    /// Decodes one backslash escape at the cursor. Returns true when it was `\u0000`.
    private mutating func decodeEscape(into output: inout [UInt8]) throws(JSONRecordError) -> Bool {
        index += 1 // backslash
        guard index < count else { throw failure("unterminated escape") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            let escapeStart = index - 2
            var scalar = try hex4()
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                guard index + 1 < count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    index = escapeStart
                    throw failure("lone surrogate \\u\(String(scalar, radix: 16, uppercase: true))", reason: .invalidUTF8)
                }
                index += 2
                let low = try hex4()
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    index = escapeStart
                    throw failure("lone surrogate \\u\(String(scalar, radix: 16, uppercase: true))", reason: .invalidUTF8)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                index = escapeStart
                throw failure("lone surrogate \\u\(String(scalar, radix: 16, uppercase: true))", reason: .invalidUTF8)
            }
            appendUTF8(scalar, to: &output)
            return scalar == 0
        default:
            index -= 1
            throw failure("invalid escape '\\\(Character(UnicodeScalar(escape)))'")
        }
        return false
    }

    private mutating func hex4() throws(JSONRecordError) -> UInt32 {
        guard index + 4 <= count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Other values

    /// Validates and skips the value at the cursor.
    mutating func skipValue(depth: Int) throws(JSONRecordError) {
        guard depth < JSONRecordParser.maxDepth else { throw failure("nesting deeper than \(JSONRecordParser.maxDepth)") }
        switch peek {
        case UInt8(ascii: "\""):
            _ = try scanString()
        case UInt8(ascii: "{"):
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "}") { index += 1; return }
            while true {
                guard peek == UInt8(ascii: "\"") else { throw failure("expected a quoted key, found \(describeCurrent)") }
                _ = try scanString()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw failure("expected ':' after a key, found \(describeCurrent)") }
                index += 1
                skipSpace()
                try skipValue(depth: depth + 1)
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; skipSpace(); continue }
                if peek == UInt8(ascii: "}") { index += 1; return }
                throw failure("expected ',' or '}', found \(describeCurrent)")
            }
        case UInt8(ascii: "["):
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "]") { index += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; skipSpace(); continue }
                if peek == UInt8(ascii: "]") { index += 1; return }
                throw failure("expected ',' or ']', found \(describeCurrent)")
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
        default:
            throw failure(atEnd ? "expected a value, found end of line" : "expected a value, found \(describeCurrent)")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONRecordError) {
        let length = word.utf8CodeUnitCount
        guard index + length <= count, memcmp(bytes + index, word.utf8Start, length) == 0 else {
            throw failure("invalid literal (expected \(word))")
        }
        index += length
    }

    /// RFC 8259 number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    private mutating func skipNumber() throws(JSONRecordError) {
        if peek == UInt8(ascii: "-") { index += 1 }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else {
            guard isDigit(peek) else { throw failure("invalid number") }
            while isDigit(peek) { index += 1 }
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard isDigit(peek) else { throw failure("invalid number (no digits after '.')") }
            while isDigit(peek) { index += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard isDigit(peek) else { throw failure("invalid number (no digits in exponent)") }
            while isDigit(peek) { index += 1 }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
