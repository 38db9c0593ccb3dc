@testable import Ingest
import Testing

@Suite struct JSONRecordParserTests {
    private func parse(_ line: String, text: String = "text", id: String = "id") throws -> JSONRecordFields {
        var fields = JSONRecordFields()
        let bytes = Array(line.utf8)
        let parser = JSONRecordParser(textField: text, idField: id)
        try bytes.withUnsafeBytes { try parser.parse($0, into: &fields) }
        return fields
    }

    @Test func decodesEveryEscape() throws {
        let fields = try parse(#"{"text": "q\" b\\ s\/ \b\f\n\r\t \u00e9\u4E2D \ud83d\ude00"}"#)
        #expect(String(decoding: fields.text, as: UTF8.self) == "q\" b\\ s/ \u{8}\u{C}\n\r\t é中 😀")
    }

    @Test func keysWithEscapesStillMatch() throws {
        let fields = try parse(#"{"t\u0065xt": "found"}"#)
        #expect(String(decoding: fields.text, as: UTF8.self) == "found")
    }

    @Test func theLastTextFieldWins() throws {
        let fields = try parse(#"{"text": "first", "text": "second"}"#)
        #expect(String(decoding: fields.text, as: UTF8.self) == "second")
    }

    @Test(arguments: [
        #"{"text": "a",}"#, #"{"text" "a"}"#, #"{"text": 'a'}"#, #"{"text": "a"} {"#, #"{"text": "a""#,
        #"{"a": 01}"#, #"{"a": 1.}"#, #"{"a": -}"#, #"{"a": tru}"#, #"{"a": [1,]}"#, #"{"a": "\x"}"#,
        "{\"a\": \"tab\there\"}", #"{"a": "\u12G4"}"#, "", "   ", #"{"#, #"{"text": "x"} garbage"#,
    ])
    func refusesMalformedJSON(_ line: String) {
        #expect(throws: JSONRecordError.self) { try parse(line) }
        do { _ = try parse(line) } catch { #expect((error as? JSONRecordError)?.reason == .malformedJSON) }
    }

    @Test func acceptsValidOddities() throws {
        let fields = try parse(" \t{ \"a\" : [ ] , \"b\":{}, \"c\": -0.5e-10, \"d\": [true,false,null], \"text\":\"x\" } \r")
        #expect(String(decoding: fields.text, as: UTF8.self) == "x")
        #expect(fields.metadata == #"{"a" : [ ],"b":{},"c": -0.5e-10,"d": [true,false,null]}"#)
    }

    @Test func reportsTheByteOffsetOfTheProblem() {
        do {
            _ = try parse(#"{"text": "ok", "n": 12x}"#)
            Issue.record("expected an error")
        } catch {
            #expect((error as? JSONRecordError)?.message.hasSuffix("at byte 22") == true)
        }
    }

    @Test func refusesDeepNesting() {
        let deep = "{\"a\": " + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}"
        #expect(throws: JSONRecordError.self) { try parse(deep) }
    }

    @Test func flagsTheTextState() throws {
        if case .missing = try parse(#"{"body": "x"}"#).textState {} else { Issue.record("expected missing") }
        if case .notString(let kind) = try parse(#"{"text": [1]}"#).textState { #expect(kind == "an array") } else { Issue.record("expected notString") }
        #expect(try parse(#"{"text": "a\u0000b"}"#).textHasNUL)
        #expect(try parse(#"{"id": null, "text": "a"}"#).externalID == nil)
    }
}
