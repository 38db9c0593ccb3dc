/// Writes JSON by hand, into a byte buffer: the shards' lines are the hot path of export, and the
/// texts are already valid UTF-8 that only needs escaping (Foundation's encoder would copy each text
/// into a String and sort keys at run time). Keys are written in sorted order, numbers in Swift's
/// shortest round-trip form, so the same document always gives the same bytes.
struct JSONLine {
    var bytes: [UInt8] = []

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func string(_ text: String) {
        var copy = text
        copy.withUTF8 { string(UnsafeRawBufferPointer($0)) }
    }

    /// A JSON string of UTF-8 bytes: quotes, backslashes and control characters escaped.
    mutating func string(_ utf8: UnsafeRawBufferPointer) {
        bytes.append(0x22)
        var start = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[start..<index]))
            switch byte {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
            start = index + 1
        }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[start..<utf8.count]))
        bytes.append(0x22)
    }

    mutating func number(_ value: Double) {
        if value.isFinite {
            raw(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
        } else {
            raw("null")
        }
    }

    mutating func number(_ value: Int64) { raw(String(value)) }
}
