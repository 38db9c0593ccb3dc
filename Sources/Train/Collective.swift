/// The processes of a data-parallel run (docs/train.md, "Data-parallel training"): each holds the whole
/// model and computes the gradients of its slice of every global batch; the gradients are summed over
/// all of them before clipping and the update, so every process applies the same update.
public protocol Collective: AnyObject {
    /// This process's index, 0 ..< size; rank 0 writes the files.
    var rank: Int { get }
    var size: Int { get }
    /// Sums `count` values element-wise over every process, in place, in an order that does not change
    /// from run to run; every process ends with the same bytes.
    func sum(_ values: UnsafeMutablePointer<Float>, count: Int) throws
    func sum(_ values: UnsafeMutablePointer<Double>, count: Int) throws
}

/// A run of one process: nothing to sum.
public final class SingleProcess: Collective {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func sum(_ values: UnsafeMutablePointer<Float>, count: Int) throws {}
    public func sum(_ values: UnsafeMutablePointer<Double>, count: Int) throws {}
}
