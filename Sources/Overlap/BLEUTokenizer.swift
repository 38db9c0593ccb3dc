/// The tokenizers sacrebleu uses for BLEU, reproduced exactly (Papineni et al. 2002 scores depend on
/// tokenization, so scores are only comparable under the same one): `13a` (mteval-v13a, the WMT
/// standard) and `zh` (each Chinese character a token, the rest as 13a).
public enum BLEUTokenizer: String, Sendable, CaseIterable {
    case thirteenA = "13a"
    case zh

    public func tokenize(_ text: String) -> [String] {
        var scalars: [Unicode.Scalar]
        switch self {
        case .thirteenA:
            var line = text.replacingOccurrences(of: "<skipped>", with: "")
                .replacingOccurrences(of: "-\n", with: "")
                .replacingOccurrences(of: "\n", with: " ")
            if line.contains("&") {
                line = line.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
                    .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            }
            scalars = [" "] + Array(line.unicodeScalars) + [" "]
        case .zh:
            scalars = []
            for scalar in Self.strip(Array(text.unicodeScalars)) {
                if Self.isChinese(scalar) {
                    scalars += [" ", scalar, " "]
                } else {
                    scalars.append(scalar)
                }
            }
        }
        return Self.postTokenize(scalars)
    }

    /// The `zh` tokenizer's idea of a Chinese character: its code point ranges, including two that,
    /// written as Python strings with a 5-digit \u escape, became U+2001…U+2A6D and U+2F81…U+2FA1.
    static func isChinese(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        let ranges: [ClosedRange<UInt32>] = [
            0x3400...0x4DB5, 0x4E00...0x9FA5, 0x9FA6...0x9FBB, 0xF900...0xFA2D, 0xFA30...0xFA6A, 0xFA70...0xFAD9,
            0x2001...0x2A6D, 0x2F81...0x2FA1, 0xFF00...0xFFEF, 0x2E80...0x2EFF, 0x3000...0x303F, 0x31C0...0x31EF,
            0x2F00...0x2FDF, 0x2FF0...0x2FFF, 0x3100...0x312F, 0x31A0...0x31BF, 0xFE10...0xFE1F, 0xFE30...0xFE4F,
            0x2600...0x26FF, 0x2700...0x27BF, 0x3200...0x32FF, 0x3300...0x33FF,
        ]
        return ranges.contains { $0.contains(v) }
    }

    /// mteval's regular expressions, applied as Python's `re.sub` applies them (left to right, without
    /// overlapping matches), then white space normalised.
    static func postTokenize(_ input: [Unicode.Scalar]) -> [String] {
        func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }
        func isPeriodOrComma(_ s: Unicode.Scalar) -> Bool { s == "." || s == "," }
        // 1. Punctuation and symbols get spaces around them: [{-~], [[-`], [ -&], [(-+], [:-@], /
        var step: [Unicode.Scalar] = []
        step.reserveCapacity(input.count * 2)
        for scalar in input {
            let v = scalar.value
            if (0x7B...0x7E).contains(v) || (0x5B...0x60).contains(v) || (0x20...0x26).contains(v)
                || (0x28...0x2B).contains(v) || (0x3A...0x40).contains(v) || v == 0x2F {
                step += [" ", scalar, " "]
            } else {
                step.append(scalar)
            }
        }
        // 2. Period and comma unless preceded by a digit: ([^0-9])([\.,]) -> "\1 \2 "
        var next: [Unicode.Scalar] = []
        var i = 0
        while i < step.count {
            if i + 1 < step.count && !isDigit(step[i]) && isPeriodOrComma(step[i + 1]) {
                next += [step[i], " ", step[i + 1], " "]
                i += 2
            } else {
                next.append(step[i])
                i += 1
            }
        }
        // 3. Period and comma unless followed by a digit: ([\.,])([^0-9]) -> " \1 \2"
        step = []
        i = 0
        while i < next.count {
            if i + 1 < next.count && isPeriodOrComma(next[i]) && !isDigit(next[i + 1]) {
                step += [" ", next[i], " ", next[i + 1]]
                i += 2
            } else {
                step.append(next[i])
                i += 1
            }
        }
        // 4. Dash after a digit: ([0-9])(-) -> "\1 \2 "
        next = []
        i = 0
        while i < step.count {
            if i + 1 < step.count && isDigit(step[i]) && step[i + 1] == "-" {
                next += [step[i], " ", "-", " "]
                i += 2
            } else {
                next.append(step[i])
                i += 1
            }
        }
        // Split on white space (Python's str.split()).
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in next {
            if isPythonSpace(scalar) {
                if !current.isEmpty { tokens.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        return tokens
    }

    static func strip(_ scalars: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar> {
        var slice = scalars[...]
        while let first = slice.first, isPythonSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isPythonSpace(last) { slice = slice.dropLast() }
        return slice
    }
}

/// White space as Python's `str.split()` and `str.strip()` see it.
func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
    default: false
    }
}
