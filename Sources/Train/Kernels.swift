import CBLAS
import CTrainKernels
import Foundation

/// The number types the model runs in: Float for training, Double for gradient checks. Matrix
/// products go to OpenBLAS (sgemm / dgemm); everything else is plain loops over flat buffers.
public protocol TrainFloat: BinaryFloatingPoint, Sendable {
    /// C = alpha · op(A) · op(B) + beta · C, row-major; op is a transpose when the flag is set.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                     b: UnsafePointer<Self>, ldb: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func expo(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
    static func hyperbolicTangent(_ x: Self) -> Self
    /// In place: row = softmax(row) over `count` values.
    static func softmax(_ row: Buffer<Self>, count: Int)
    static func geluForward(_ out: Buffer<Self>, _ input: UnsafePointer<Self>, count: Int)
    static func geluBackward(_ dinput: Buffer<Self>, _ input: UnsafePointer<Self>, _ dout: UnsafePointer<Self>, count: Int)
}

/// The scalar element-wise loops, for Double (gradient checks) and as the definition the vectorised
/// Float versions (CTrainKernels) follow.
extension TrainFloat {
    static func softmaxScalar(_ row: Buffer<Self>, count: Int) {
        var maximum = -Self.greatestFiniteMagnitude
        for j in 0..<count where row[j] > maximum { maximum = row[j] }
        var sum: Self = 0
        for j in 0..<count {
            row[j] = expo(row[j] - maximum)
            sum += row[j]
        }
        let inverse = 1 / sum
        for j in 0..<count { row[j] *= inverse }
    }

    static var geluScale: Self { Self(0.7978845608028654) } // √(2/π)

    static func geluForwardScalar(_ out: Buffer<Self>, _ input: UnsafePointer<Self>, count: Int) {
        for index in 0..<count {
            let x = input[index]
            out[index] = x / 2 * (1 + hyperbolicTangent(geluScale * (x + Self(0.044715) * x * x * x)))
        }
    }

    static func geluBackwardScalar(_ dinput: Buffer<Self>, _ input: UnsafePointer<Self>, _ dout: UnsafePointer<Self>, count: Int) {
        for index in 0..<count {
            let x = input[index]
            let th = hyperbolicTangent(geluScale * (x + Self(0.044715) * x * x * x))
            let cubic: Self = 3 * Self(0.044715) * x * x
            let slope: Self = x * (1 - th * th) / 2 * geluScale * (1 + cubic)
            let local: Self = (1 + th) / 2 + slope
            dinput[index] += local * dout[index]
        }
    }
}

extension Float: TrainFloat {
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inline(__always) public static func expo(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) public static func logarithm(_ x: Float) -> Float { Foundation.log(x) }
    @inline(__always) public static func hyperbolicTangent(_ x: Float) -> Float { Foundation.tanh(x) }
    public static func softmax(_ row: Buffer<Float>, count: Int) { curate_softmax_f32(row, Int32(count)) }
    public static func geluForward(_ out: Buffer<Float>, _ input: UnsafePointer<Float>, count: Int) {
        curate_gelu_forward_f32(out, input, Int32(count))
    }
    public static func geluBackward(_ dinput: Buffer<Float>, _ input: UnsafePointer<Float>, _ dout: UnsafePointer<Float>, count: Int) {
        curate_gelu_backward_f32(dinput, input, dout, Int32(count))
    }
}

extension Double: TrainFloat {
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafePointer<Double>, ldb: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inline(__always) public static func expo(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) public static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) public static func hyperbolicTangent(_ x: Double) -> Double { Foundation.tanh(x) }
    public static func softmax(_ row: Buffer<Double>, count: Int) { softmaxScalar(row, count: count) }
    public static func geluForward(_ out: Buffer<Double>, _ input: UnsafePointer<Double>, count: Int) {
        geluForwardScalar(out, input, count: count)
    }
    public static func geluBackward(_ dinput: Buffer<Double>, _ input: UnsafePointer<Double>, _ dout: UnsafePointer<Double>, count: Int) {
        geluBackwardScalar(dinput, input, dout, count: count)
    }
}

/// Stops OpenBLAS's idle worker threads (they start with the library and spin before sleeping); the
/// next multi-threaded BLAS call starts them again (OpenBLAS re-creates its pool lazily, as after fork).
public func stopIdleBLASThreads() {
    blas_thread_shutdown_()
}

/// How many threads OpenBLAS uses (its default is every core).
public func setBLASThreads(_ count: Int) {
    openblas_set_num_threads(Int32(max(1, count)))
}

public typealias Buffer<T> = UnsafeMutablePointer<T>

/// The layers of the GPT, each a forward and a backward function side by side (the layout of llm.c's
/// train_gpt2.c; written here for Swift and BLAS). Shapes: N rows (batch · time) of C channels,
/// row-major; backward functions add into their gradient buffers.
public enum Kernels<T: TrainFloat> {
    // MARK: Embeddings

    /// out[b,t,:] = wte[token[b,t],:] + wpe[t,:]
    public static func encoderForward(_ out: Buffer<T>, _ tokens: UnsafePointer<Int32>, _ wte: UnsafePointer<T>, _ wpe: UnsafePointer<T>,
                                      batch: Int, time: Int, channels: Int) {
        for b in 0..<batch {
            for t in 0..<time {
                let row = out + (b * time + t) * channels
                let token = wte + Int(tokens[b * time + t]) * channels, position = wpe + t * channels
                for c in 0..<channels { row[c] = token[c] + position[c] }
            }
        }
    }

    public static func encoderBackward(_ dwte: Buffer<T>, _ dwpe: Buffer<T>, _ dout: UnsafePointer<T>, _ tokens: UnsafePointer<Int32>,
                                       batch: Int, time: Int, channels: Int) {
        for b in 0..<batch {
            for t in 0..<time {
                let row = dout + (b * time + t) * channels
                let token = dwte + Int(tokens[b * time + t]) * channels, position = dwpe + t * channels
                for c in 0..<channels {
                    token[c] += row[c]
                    position[c] += row[c]
                }
            }
        }
    }

    // MARK: LayerNorm

    public static var layerNormEpsilon: T { 1e-5 }

    public static func layerNormForward(_ out: Buffer<T>, _ mean: Buffer<T>, _ rstd: Buffer<T>, _ input: UnsafePointer<T>,
                                        _ weight: UnsafePointer<T>, _ bias: UnsafePointer<T>, rows: Int, channels: Int) {
        let count = T(channels)
        for row in 0..<rows {
            let x = input + row * channels, y = out + row * channels
            var sum: T = 0
            for c in 0..<channels { sum += x[c] }
            let m = sum / count
            var variance: T = 0
            for c in 0..<channels {
                let d = x[c] - m
                variance += d * d
            }
            let s = 1 / (variance / count + layerNormEpsilon).squareRoot()
            for c in 0..<channels { y[c] = (x[c] - m) * s * weight[c] + bias[c] }
            mean[row] = m
            rstd[row] = s
        }
    }

    public static func layerNormBackward(_ dinput: Buffer<T>, _ dweight: Buffer<T>, _ dbias: Buffer<T>, _ dout: UnsafePointer<T>,
                                         _ input: UnsafePointer<T>, _ weight: UnsafePointer<T>, _ mean: UnsafePointer<T>,
                                         _ rstd: UnsafePointer<T>, rows: Int, channels: Int) {
        let count = T(channels)
        for row in 0..<rows {
            let x = input + row * channels, dy = dout + row * channels, dx = dinput + row * channels
            let m = mean[row], s = rstd[row]
            var meanDnorm: T = 0, meanDnormNorm: T = 0
            for c in 0..<channels {
                let norm = (x[c] - m) * s
                let dnorm = weight[c] * dy[c]
                meanDnorm += dnorm
                meanDnormNorm += dnorm * norm
            }
            meanDnorm /= count
            meanDnormNorm /= count
            for c in 0..<channels {
                let norm = (x[c] - m) * s
                let dnorm = weight[c] * dy[c]
                dbias[c] += dy[c]
                dweight[c] += norm * dy[c]
                dx[c] += (dnorm - meanDnorm - norm * meanDnormNorm) * s
            }
        }
    }

    // MARK: Matrix products

    /// out[N, OC] = input[N, C] · weight[OC, C]ᵀ + bias
    public static func matmulForward(_ out: Buffer<T>, _ input: UnsafePointer<T>, _ weight: UnsafePointer<T>, _ bias: UnsafePointer<T>?,
                                     rows: Int, channels: Int, outChannels: Int) {
        T.gemm(transA: false, transB: true, m: rows, n: outChannels, k: channels, alpha: 1, a: input, lda: channels,
               b: weight, ldb: channels, beta: 0, c: out, ldc: outChannels)
        if let bias {
            for row in 0..<rows {
                let y = out + row * outChannels
                for o in 0..<outChannels { y[o] += bias[o] }
            }
        }
    }

    public static func matmulBackward(_ dinput: Buffer<T>, _ dweight: Buffer<T>, _ dbias: Buffer<T>?, _ dout: UnsafePointer<T>,
                                      _ input: UnsafePointer<T>, _ weight: UnsafePointer<T>, rows: Int, channels: Int, outChannels: Int) {
        // dinput[N, C] += dout[N, OC] · weight[OC, C]
        T.gemm(transA: false, transB: false, m: rows, n: channels, k: outChannels, alpha: 1, a: dout, lda: outChannels,
               b: weight, ldb: channels, beta: 1, c: dinput, ldc: channels)
        // dweight[OC, C] += dout[N, OC]ᵀ · input[N, C]
        T.gemm(transA: true, transB: false, m: outChannels, n: channels, k: rows, alpha: 1, a: dout, lda: outChannels,
               b: input, ldb: channels, beta: 1, c: dweight, ldc: channels)
        if let dbias {
            for row in 0..<rows {
                let dy = dout + row * outChannels
                for o in 0..<outChannels { dbias[o] += dy[o] }
            }
        }
    }

    // MARK: Self-attention: causal, bidirectional or prefix-LM

    /// How many positions row `i` of a sequence sees: the first `prefix` positions attend to each other in
    /// both directions, each later one to the prefix and the positions before it (prefix 0: causal;
    /// prefix = time: bidirectional).
    @inline(__always) static func visible(_ i: Int, prefix: Int, time: Int) -> Int { max(i + 1, min(prefix, time)) }

    /// input: [B, T, 3C] (query, key, value, each with H heads of C/H); out: [B, T, C];
    /// att: [B, H, T, T] the softmaxed weights (kept for backward; 0 where a row may not look).
    /// `prefixes`: per batch row (empty: causal everywhere).
    public static func attentionForward(_ out: Buffer<T>, _ att: Buffer<T>, _ input: UnsafePointer<T>,
                                        batch: Int, time: Int, channels: Int, heads: Int, prefixes: [Int] = []) {
        let size = channels / heads, stride = 3 * channels
        let scale = 1 / T(size).squareRoot()
        for b in 0..<batch {
            for h in 0..<heads {
                let q = input + b * time * stride + h * size
                let k = q + channels, v = q + 2 * channels
                let a = att + (b * heads + h) * time * time
                // scores[T, T] = scale · Q · Kᵀ
                T.gemm(transA: false, transB: true, m: time, n: time, k: size, alpha: scale, a: q, lda: stride,
                       b: k, ldb: stride, beta: 0, c: a, ldc: time)
                let prefix = prefixes.isEmpty ? 0 : prefixes[b]
                for i in 0..<time {
                    let row = a + i * time, seen = visible(i, prefix: prefix, time: time)
                    T.softmax(row, count: seen)
                    for j in seen..<time { row[j] = 0 }
                }
                // out[T, size] = att · V
                T.gemm(transA: false, transB: false, m: time, n: size, k: time, alpha: 1, a: a, lda: time,
                       b: v, ldb: stride, beta: 0, c: out + b * time * channels + h * size, ldc: channels)
            }
        }
    }

    /// dinput: [B, T, 3C] (added into); scratch: [T, T].
    public static func attentionBackward(_ dinput: Buffer<T>, _ scratch: Buffer<T>, _ dout: UnsafePointer<T>, _ input: UnsafePointer<T>,
                                         _ att: UnsafePointer<T>, batch: Int, time: Int, channels: Int, heads: Int, prefixes: [Int] = []) {
        let size = channels / heads, stride = 3 * channels
        let scale = 1 / T(size).squareRoot()
        for b in 0..<batch {
            for h in 0..<heads {
                let q = input + b * time * stride + h * size
                let k = q + channels, v = q + 2 * channels
                let dq = dinput + b * time * stride + h * size
                let dk = dq + channels, dv = dq + 2 * channels
                let a = att + (b * heads + h) * time * time
                let dy = dout + b * time * channels + h * size
                // dAtt[T, T] = dOut · Vᵀ ;  dV += Attᵀ · dOut
                T.gemm(transA: false, transB: true, m: time, n: time, k: size, alpha: 1, a: dy, lda: channels,
                       b: v, ldb: stride, beta: 0, c: scratch, ldc: time)
                T.gemm(transA: true, transB: false, m: time, n: size, k: time, alpha: 1, a: a, lda: time,
                       b: dy, ldb: channels, beta: 1, c: dv, ldc: stride)
                // Softmax backward, in place: dScore_ij = att_ij (dAtt_ij − Σ_k att_ik dAtt_ik), times the scale.
                let prefix = prefixes.isEmpty ? 0 : prefixes[b]
                for i in 0..<time {
                    let row = a + i * time, drow = scratch + i * time, seen = visible(i, prefix: prefix, time: time)
                    var dot: T = 0
                    for j in 0..<seen { dot += row[j] * drow[j] }
                    for j in 0..<seen { drow[j] = row[j] * (drow[j] - dot) * scale }
                    for j in seen..<time { drow[j] = 0 }
                }
                // dQ += dScore · K ; dK += dScoreᵀ · Q
                T.gemm(transA: false, transB: false, m: time, n: size, k: time, alpha: 1, a: scratch, lda: time,
                       b: k, ldb: stride, beta: 1, c: dq, ldc: stride)
                T.gemm(transA: true, transB: false, m: time, n: size, k: time, alpha: 1, a: scratch, lda: time,
                       b: q, ldb: stride, beta: 1, c: dk, ldc: stride)
            }
        }
    }

    // MARK: GELU (the tanh approximation GPT-2 uses)

    public static func geluForward(_ out: Buffer<T>, _ input: UnsafePointer<T>, count: Int) {
        T.geluForward(out, input, count: count)
    }

    public static func geluBackward(_ dinput: Buffer<T>, _ input: UnsafePointer<T>, _ dout: UnsafePointer<T>, count: Int) {
        T.geluBackward(dinput, input, dout, count: count)
    }

    // MARK: Residual and dropout

    public static func residualForward(_ out: Buffer<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, count: Int) {
        for index in 0..<count { out[index] = a[index] + b[index] }
    }

    public static func residualBackward(_ da: Buffer<T>, _ db: Buffer<T>, _ dout: UnsafePointer<T>, count: Int) {
        for index in 0..<count {
            da[index] += dout[index]
            db[index] += dout[index]
        }
    }

    /// Inverted dropout in place: each value kept with probability 1 − p and scaled by 1/(1 − p); the
    /// mask (0 or the scale) is written for backward.
    public static func dropoutForward(_ values: Buffer<T>, _ mask: Buffer<T>, count: Int, probability: T, random: inout SplitMix) {
        let keep = 1 / (1 - probability)
        for index in 0..<count {
            mask[index] = random.unit() < Double(probability) ? 0 : keep
            values[index] *= mask[index]
        }
    }

    public static func dropoutBackward(_ dvalues: Buffer<T>, _ mask: UnsafePointer<T>, count: Int) {
        for index in 0..<count { dvalues[index] *= mask[index] }
    }

    // MARK: Output: softmax and cross-entropy

    /// probs = softmax(logits) per row; returns the mean of −log probs[target] over the rows whose target
    /// is not negative (a negative target: no loss at that position; 0 when no row has one).
    public static func crossEntropyForward(_ probs: Buffer<T>, _ logits: UnsafePointer<T>, _ targets: UnsafePointer<Int32>,
                                           rows: Int, vocabulary: Int) -> T {
        var total: T = 0, counted = 0
        for row in 0..<rows where targets[row] >= 0 {
            let x = logits + row * vocabulary, p = probs + row * vocabulary
            p.update(from: x, count: vocabulary)
            T.softmax(p, count: vocabulary)
            total -= T.logarithm(max(p[Int(targets[row])], T.leastNormalMagnitude))
            counted += 1
        }
        return counted > 0 ? total / T(counted) : 0
    }

    /// dlogits = (probs − one-hot(target)) / counted rows (the gradient of the mean loss), written in place
    /// of probs; 0 for the rows without a target.
    public static func crossEntropyBackward(_ dlogits: Buffer<T>, _ probs: UnsafePointer<T>, _ targets: UnsafePointer<Int32>,
                                            rows: Int, vocabulary: Int) {
        var counted = 0
        for row in 0..<rows where targets[row] >= 0 { counted += 1 }
        let scale = 1 / T(max(counted, 1))
        for row in 0..<rows {
            let p = probs + row * vocabulary, d = dlogits + row * vocabulary
            guard targets[row] >= 0 else {
                d.update(repeating: 0, count: vocabulary)
                continue
            }
            for v in 0..<vocabulary { d[v] = p[v] * scale }
            d[Int(targets[row])] -= scale
        }
    }
}

/// splitmix64: the trainer's random numbers (initialisation, dropout, data order), with a state that
/// a checkpoint saves so a resumed run draws the same numbers.
public struct SplitMix: Sendable, Equatable, Codable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(unit(), 1e-300), v = unit()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }
}
