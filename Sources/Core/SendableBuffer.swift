/// A buffer whose slots are written by different threads, one slot each, so that
/// `DispatchQueue.concurrentPerform` workers can fill results in input order.
public struct SendableBuffer<T>: @unchecked Sendable {
    public let buffer: UnsafeMutableBufferPointer<T>
    public init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}
