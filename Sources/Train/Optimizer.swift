import Core
import Foundation

/// AdamW (Loshchilov & Hutter 2019) with REFERENCE §5's settings: β1 0.9, β2 0.95, ε 1e-8, decoupled
/// weight decay on the matrices only.
public struct AdamW: Sendable {
    public var beta1: Float = 0.9
    public var beta2: Float = 0.95
    public var epsilon: Float = 1e-8
    public private(set) var steps = 0
    public private(set) var m: [Float]
    public private(set) var v: [Float]

    public init(count: Int) {
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    init(steps: Int, m: [Float], v: [Float]) {
        self.steps = steps
        self.m = m
        self.v = v
    }

    /// One update. `decayed` lists the (offset, count) ranges that get weight decay. With `threads` > 1
    /// the parameters are cut into that many contiguous parts updated side by side (each value's update
    /// depends on nothing else: the result is the same).
    public mutating func step(parameters: Buffer<Float>, gradients: UnsafePointer<Float>, learningRate: Float, weightDecay: Float,
                              decayed: [(Int, Int)], threads: Int = 1) {
        steps += 1
        let correction1 = 1 - Float(pow(Double(beta1), Double(steps)))
        let correction2 = 1 - Float(pow(Double(beta2), Double(steps)))
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        // One pass: each stretch of parameters with its decay factor (1 outside the matrices), applied after
        // the Adam step as decoupled weight decay is.
        let factor = 1 - learningRate * weightDecay
        var stretches: [(start: Int, end: Int, factor: Float)] = []
        var position = 0
        for (offset, count) in decayed.sorted(by: { $0.0 < $1.0 }) where weightDecay > 0 {
            if offset > position { stretches.append((position, offset, 1)) }
            stretches.append((offset, offset + count, factor))
            position = offset + count
        }
        let total = m.count
        if position < total { stretches.append((position, total, 1)) }
        let work = stretches
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                let buffers = AdamBuffers(parameters: parameters, gradients: gradients, m: m.baseAddress!, v: v.baseAddress!)
                Parallel.parts(total, threads: threads) { _, part in
                    let (m, v, parameters, gradients) = (buffers.m, buffers.v, buffers.parameters, buffers.gradients)
                    for stretch in work where stretch.end > part.lowerBound && stretch.start < part.upperBound {
                        let decay = stretch.factor
                        for index in max(stretch.start, part.lowerBound)..<min(stretch.end, part.upperBound) {
                            let g = gradients[index]
                            m[index] = b1 * m[index] + (1 - b1) * g
                            v[index] = b2 * v[index] + (1 - b2) * g * g
                            let mHat = m[index] / correction1, vHat = v[index] / correction2
                            let updated = parameters[index] - learningRate * mHat / (vHat.squareRoot() + eps)
                            parameters[index] = decay == 1 ? updated : updated * decay
                        }
                    }
                }
            }
        }
    }

    /// Scales the gradients so that their global L2 norm is at most `limit`; returns the norm before.
    /// With `threads` > 1 the squares are summed in parts side by side, the parts added in order.
    @discardableResult
    public static func clip(_ gradients: Buffer<Float>, count: Int, limit: Float, threads: Int = 1) -> Float {
        let parts = max(1, threads)
        let sums = SendableBuffer(UnsafeMutableBufferPointer<Double>.allocate(capacity: parts))
        defer { sums.buffer.deallocate() }
        let values = SendableBuffer(UnsafeMutableBufferPointer(start: gradients, count: count))
        Parallel.parts(count, threads: parts) { part, range in
            var sum: Double = 0
            for index in range { sum += Double(values.buffer[index]) * Double(values.buffer[index]) }
            sums.buffer[part] = sum
        }
        let norm = Float(sums.buffer.reduce(0, +).squareRoot())
        if limit > 0, norm > limit {
            let scale = limit / norm
            Parallel.parts(count, threads: parts) { _, range in
                for index in range { values.buffer[index] *= scale }
            }
        }
        return norm
    }
}

/// AdamW's buffers, shared by the threads of one update (each writes its own part).
private struct AdamBuffers: @unchecked Sendable {
    let parameters: Buffer<Float>
    let gradients: UnsafePointer<Float>
    let m: UnsafeMutablePointer<Float>
    let v: UnsafeMutablePointer<Float>
}

/// Linear warmup to the peak, then cosine decay to `floor` × peak at the last step (REFERENCE §5: 10%).
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    public var peak: Double
    public var warmup: Int
    public var total: Int
    public var floor: Double

    public func rate(at step: Int) -> Double {
        if step < warmup { return peak * Double(step + 1) / Double(max(1, warmup)) }
        let progress = min(1, Double(step - warmup) / Double(max(1, total - warmup)))
        let minimum = peak * floor
        return minimum + (peak - minimum) * 0.5 * (1 + cos(Double.pi * progress))
    }
}
