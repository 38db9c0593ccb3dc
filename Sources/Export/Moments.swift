import Foundation

/// The count, sum and sum of squares of a metric's values, kept exactly: each value in fixed point
/// (2^-20, about 1e-6) and summed as integers. A combined or sampled score's z-scores use the mean and
/// deviation of every eligible document; summed this way they are the same to the last bit whether one
/// store adds its documents in order or partitions add theirs and then each other's, in any order
/// (floating-point sums are not). Values past ±2^20 count as ±2^20 (no metric comes near).
public struct Moments: Sendable, Equatable, Codable {
    public private(set) var count: Int64 = 0
    public private(set) var sum: Int128 = 0
    public private(set) var squares: Int128 = 0

    static let scale = Double(1 << 20)
    static let limit = Double(1 << 20)

    public init() {}

    public mutating func add(_ value: Double) {
        let clamped = min(max(value.isNaN ? 0 : value, -Self.limit), Self.limit)
        let fixed = Int128(Int64((clamped * Self.scale).rounded()))
        count += 1
        sum += fixed
        squares += fixed * fixed
    }

    public mutating func add(_ other: Moments) {
        count += other.count
        sum += other.sum
        squares += other.squares
    }

    /// The mean, and the standard deviation (1 when there is no spread), from the exact sums.
    public var meanAndDeviation: (mean: Double, deviation: Double) {
        guard count > 0 else { return (0, 1) }
        let n = Double(count)
        let mean = Double(sum) / Self.scale / n
        let variance = max(0, Double(squares) / (Self.scale * Self.scale) / n - mean * mean)
        return (mean, variance > 0 ? variance.squareRoot() : 1)
    }

    // Codable as decimal strings: JSON numbers cannot hold 128-bit integers.
    enum CodingKeys: String, CodingKey { case count, sum, squares }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decode(Int64.self, forKey: .count)
        guard let sum = Int128(try container.decode(String.self, forKey: .sum)),
              let squares = Int128(try container.decode(String.self, forKey: .squares)) else {
            throw DecodingError.dataCorruptedError(forKey: .sum, in: container, debugDescription: "not an integer")
        }
        self.sum = sum
        self.squares = squares
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(String(sum), forKey: .sum)
        try container.encode(String(squares), forKey: .squares)
    }
}
