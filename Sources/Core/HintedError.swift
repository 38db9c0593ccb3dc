/// An error the command line prints as one line, with an optional second line saying what to do.
public protocol HintedError: Error, CustomStringConvertible {
    var hint: String? { get }
}
