/// The rules a new password must satisfy: a minimum and maximum length and absence from a list of common passwords.
public struct PasswordPolicy: Sendable {
    /// Fewest characters accepted.
    public var minimumLength: Int
    /// Most characters accepted (bounds hashing work).
    public var maximumLength: Int

    /// Creates a policy.
    public init(minimumLength: Int = 12, maximumLength: Int = 256) {
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
    }

    /// Why a password was refused; `description` is safe to show to the user.
    public enum Violation: Error, Equatable, CustomStringConvertible {
        case tooShort(minimum: Int)
        case tooLong(maximum: Int)
        case common

        public var description: String {
            switch self {
            case .tooShort(let minimum): "Use at least \(minimum) characters."
            case .tooLong(let maximum): "Use at most \(maximum) characters."
            case .common: "This password is on a list of commonly used passwords; choose another."
            }
        }
    }

    /// Throws the first rule `password` breaks.
    public func check(_ password: String) throws(Violation) {
        let length = password.count
        guard length >= minimumLength else { throw .tooShort(minimum: minimumLength) }
        guard length <= maximumLength else { throw .tooLong(maximum: maximumLength) }
        guard !CommonPasswords.contains(password) else { throw .common }
    }
}
