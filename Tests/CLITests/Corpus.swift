import Foundation

enum Corpus {
    static func jsonl(id: String, text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: ["id": id, "text": text], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
