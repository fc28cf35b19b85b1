/// An input file (an image, a labels file) that is missing or cannot be read: exit status 1, as the
/// help's EXIT STATUS says, not 2 (the arguments themselves were well formed).
struct UnreadableInput: Error, CustomStringConvertible {
    /// What is wrong, naming the file.
    let description: String

    init(_ description: String) { self.description = description }
}
