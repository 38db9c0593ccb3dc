/// Ids for sources and documents, derived from what identifies them rather than from a counter,
/// so that stores built separately (one per input partition) merge without renumbering.
public enum StableID {
    /// A positive 63-bit id (SQLite INTEGER PRIMARY KEY range, never 0) from a hash.
    public static func from(_ hash: Hash128) -> Int64 {
        let value = Int64(bitPattern: hash.low & 0x7FFF_FFFF_FFFF_FFFF)
        return value == 0 ? 1 : value
    }

    /// The id of an input file: its root-relative key and its content fingerprint.
    public static func source(key: String, fingerprint: Hash128) -> Int64 {
        var builder = Hash128Builder(seed: 0x736F_7572_6365) // "source"
        builder.update(key)
        builder.update(fingerprint)
        return from(builder.finish())
    }

    /// The id of a document: its source key, its position in the source and its content hash.
    /// `salt` is 0 except in the (astronomically rare) case of a collision with another document's id.
    public static func document(sourceKey: String, position: Int64, contentHash: Hash128, salt: UInt64 = 0) -> Int64 {
        var builder = Hash128Builder(seed: 0x646F_6375_6D65_6E74) // "document"
        builder.update(sourceKey)
        builder.update(UInt64(bitPattern: position))
        builder.update(contentHash)
        builder.update(salt)
        return from(builder.finish())
    }
}
