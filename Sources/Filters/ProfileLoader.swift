import Foundation
import Yams
import Config

/// A profile file that cannot be used, with the key it is about.
public typealias ProfileError = ConfigError

extension ConfigError {
    /// A profile error, with the hint that says where every key is documented.
    init(profile source: String, key: String?, message: String) {
        self.init(source: source, key: key, message: message, hint: ProfileLoader.hint)
    }
}

/// Reads threshold profiles from YAML.
///
/// A profile may set only some keys: the others come from its `base` (a built-in profile: en, zh or
/// fallback; by default the built-in of the same name, else fallback). Unknown keys, values of the
/// wrong type and values out of range are errors that name the key.
public enum ProfileLoader {
    static let hint = "see pipelines/profiles/en.yaml for every key and its range"

    /// A built-in profile by name.
    public static func builtIn(_ name: String) throws -> FilterProfile {
        guard let yaml = embeddedProfiles[name] else {
            throw ProfileError(profile: name, key: nil, message: "no built-in profile of that name (built in: \(FilterProfile.builtInNames.joined(separator: ", ")))")
        }
        return try parse(yaml, source: "built-in profile \(name)", isBuiltIn: true)
    }

    /// A profile named on the command line: a path to a YAML file, or a built-in name.
    public static func load(_ nameOrPath: String) throws -> FilterProfile {
        if FileManager.default.fileExists(atPath: nameOrPath) {
            guard let yaml = try? String(contentsOfFile: nameOrPath, encoding: .utf8) else {
                throw ProfileError(profile: nameOrPath, key: nil, message: "cannot read the file")
            }
            return try parse(yaml, source: nameOrPath)
        }
        if embeddedProfiles[nameOrPath] != nil { return try builtIn(nameOrPath) }
        throw ProfileError(profile: nameOrPath, key: nil,
                           message: "no such file, and not a built-in profile (\(FilterProfile.builtInNames.joined(separator: ", ")))")
    }

    /// Parses profile YAML.
    public static func parse(_ yaml: String, source: String, isBuiltIn: Bool = false) throws -> FilterProfile {
        let reader = YAMLReader(source: source, hint: ProfileLoader.hint)
        let root = try reader.root(yaml)
        let top = try reader.keys(root, path: nil, allowed: ["name", "base", "languages", "statistics", "gopher_quality", "gopher_repetition", "c4", "fineweb"])

        guard let name = try top["name"].map({ try reader.string($0, "name") }) else {
            throw ProfileError(profile: source, key: "name", message: "missing (every profile has a name)")
        }
        var profile: FilterProfile
        if isBuiltIn, let base = try top["base"].map({ try reader.string($0, "base") }) {
            // A built-in profile named after its origin (datatrove-en, fineweb2-zh) states only what differs.
            guard embeddedProfiles[base] != nil, base != name else {
                throw ProfileError(profile: source, key: "base", message: "'\(base)' is not another built-in profile")
            }
            profile = try builtIn(base)
            profile.name = name
        } else if isBuiltIn {
            profile = FilterProfile(name: name, languages: [])
        } else {
            let baseName = try top["base"].map { try reader.string($0, "base") }
                ?? (embeddedProfiles[name] != nil ? name : "fallback")
            guard embeddedProfiles[baseName] != nil else {
                throw ProfileError(profile: source, key: "base", message: "'\(baseName)' is not a built-in profile (\(FilterProfile.builtInNames.joined(separator: ", ")))")
            }
            profile = try builtIn(baseName)
            profile.name = name
        }
        if let languages = top["languages"] { profile.languages = try reader.strings(languages, "languages") }
        if profile.languages.isEmpty { throw ProfileError(profile: source, key: "languages", message: "list at least one language code, or \"*\"") }

        if let node = top["statistics"] { try readStatistics(node, reader, &profile.statistics) }
        if let node = top["gopher_quality"] { try readGopherQuality(node, reader, &profile.gopherQuality) }
        if let node = top["gopher_repetition"] { try readGopherRepetition(node, reader, &profile.gopherRepetition) }
        if let node = top["c4"] { try readC4(node, reader, &profile.c4) }
        if let node = top["fineweb"] { try readFineWeb(node, reader, &profile.fineweb) }
        try checkOrder(profile, source: source)
        return profile
    }

    // MARK: Sections

    private static func readStatistics(_ node: Node, _ reader: YAMLReader, _ s: inout StatisticParameters) throws {
        let keys = try reader.keys(node.mapping, path: "statistics", allowed: [
            "stop_words", "bullets", "c4_terminal_punctuation", "c4_line_words", "c4_min_words_per_line",
            "c4_max_word_length", "fineweb_extra_terminal_punctuation", "fineweb_short_line_length",
        ])
        for (key, value) in keys {
            let path = "statistics." + key
            switch key {
            case "stop_words": s.stopWords = try reader.strings(value, path)
            case "bullets": s.bullets = try reader.strings(value, path, nonEmptyItems: true)
            case "c4_terminal_punctuation": s.c4TerminalPunctuation = try reader.strings(value, path, nonEmptyItems: true)
            case "c4_line_words":
                let text = try reader.string(value, path)
                guard let mode = StatisticParameters.LineWords(rawValue: text) else {
                    throw ProfileError(profile: reader.source, key: path, message: "expected whitespace or segmenter, found '\(text)'")
                }
                s.c4LineWords = mode
            case "c4_min_words_per_line": s.c4MinWordsPerLine = try reader.integer(value, path, range: 0...1_000_000)
            case "c4_max_word_length": s.c4MaxWordLength = try reader.integer(value, path, range: 1...100_000_000)
            case "fineweb_extra_terminal_punctuation": s.finewebExtraTerminalPunctuation = try reader.strings(value, path, nonEmptyItems: true)
            case "fineweb_short_line_length": s.finewebShortLineLength = try reader.integer(value, path, range: 0...1_000_000)
            default: break
            }
        }
    }

    private static func readGopherQuality(_ node: Node, _ reader: YAMLReader, _ t: inout GopherQualityThresholds) throws {
        let fields: [(String, WritableKeyPath<GopherQualityThresholds, Double?>, ClosedRange<Double>)] = [
            ("min_words", \.minWords, 0...1e12), ("max_words", \.maxWords, 0...1e12),
            ("min_mean_word_length", \.minMeanWordLength, 0...1e6), ("max_mean_word_length", \.maxMeanWordLength, 0...1e6),
            ("max_hash_ratio", \.maxHashRatio, 0...1e6), ("max_ellipsis_ratio", \.maxEllipsisRatio, 0...1e6),
            ("max_bullet_lines_ratio", \.maxBulletLinesRatio, 0...1), ("max_ellipsis_lines_ratio", \.maxEllipsisLinesRatio, 0...1),
            ("min_alpha_words_ratio", \.minAlphaWordsRatio, 0...1), ("min_stop_words", \.minStopWords, 0...1e6),
        ]
        try readNumbers(node, reader, section: "gopher_quality", fields: fields, into: &t)
    }

    private static func readGopherRepetition(_ node: Node, _ reader: YAMLReader, _ t: inout GopherRepetitionThresholds) throws {
        var fields: [(String, WritableKeyPath<GopherRepetitionThresholds, Double?>, ClosedRange<Double>)] = [
            ("max_dup_line_fraction", \.maxDupLineFraction, 0...1), ("max_dup_paragraph_fraction", \.maxDupParagraphFraction, 0...1),
            ("max_dup_line_char_fraction", \.maxDupLineCharFraction, 0...1),
            ("max_dup_paragraph_char_fraction", \.maxDupParagraphCharFraction, 0...1),
        ]
        for n in 2...4 { fields.append(("max_top_\(n)gram_char_fraction", \.maxTopNGramCharFraction[n - 2], 0...1)) }
        for n in 5...10 { fields.append(("max_dup_\(n)gram_char_fraction", \.maxDupNGramCharFraction[n - 5], 0...1)) }
        try readNumbers(node, reader, section: "gopher_repetition", fields: fields, into: &t)
    }

    private static func readC4(_ node: Node, _ reader: YAMLReader, _ t: inout C4Thresholds) throws {
        let keys = try reader.keys(node.mapping, path: "c4", allowed: ["min_sentences", "drop_lorem_ipsum", "drop_curly_bracket"])
        for (key, value) in keys {
            switch key {
            case "min_sentences": t.minSentences = try reader.number(value, "c4." + key, range: 0...1e9)
            case "drop_lorem_ipsum": t.dropLoremIpsum = try reader.bool(value, "c4." + key)
            case "drop_curly_bracket": t.dropCurlyBracket = try reader.bool(value, "c4." + key)
            default: break
            }
        }
    }

    private static func readFineWeb(_ node: Node, _ reader: YAMLReader, _ t: inout FineWebThresholds) throws {
        let fields: [(String, WritableKeyPath<FineWebThresholds, Double?>, ClosedRange<Double>)] = [
            ("min_line_punct_ratio", \.minLinePunctRatio, 0...1), ("max_short_line_ratio", \.maxShortLineRatio, 0...1),
            ("max_dup_line_char_ratio", \.maxDupLineCharRatio, 0...1), ("max_newline_word_ratio", \.maxNewlineWordRatio, 0...1e6),
        ]
        try readNumbers(node, reader, section: "fineweb", fields: fields, into: &t)
    }

    private static func readNumbers<T>(_ node: Node, _ reader: YAMLReader, section: String,
                                       fields: [(String, WritableKeyPath<T, Double?>, ClosedRange<Double>)], into target: inout T) throws {
        let keys = try reader.keys(node.mapping, path: section, allowed: Set(fields.map(\.0)))
        for (key, path, range) in fields {
            if let value = keys[key] { target[keyPath: path] = try reader.number(value, section + "." + key, range: range) }
        }
    }

    private static func checkOrder(_ profile: FilterProfile, source: String) throws {
        let pairs: [(String, Double?, String, Double?)] = [
            ("gopher_quality.min_words", profile.gopherQuality.minWords, "gopher_quality.max_words", profile.gopherQuality.maxWords),
            ("gopher_quality.min_mean_word_length", profile.gopherQuality.minMeanWordLength,
             "gopher_quality.max_mean_word_length", profile.gopherQuality.maxMeanWordLength),
        ]
        for (lowKey, low, highKey, high) in pairs {
            if let low, let high, low > high {
                throw ProfileError(profile: source, key: lowKey, message: "\(format(low)) is above \(highKey) (\(format(high)))")
            }
        }
    }

    static func format(_ value: Double) -> String { YAMLReader.format(value) }
}
