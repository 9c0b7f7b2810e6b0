/// The exit statuses of the `storycluster` command, defined once (the README's table lists the same values).
public enum ExitStatus: Int32, Sendable {
    /// Everything was read (warnings may have been printed).
    case ok = 0
    /// Fatal: the corpus path does not exist or cannot be listed, a file cannot be read, the report cannot be written.
    case failure = 1
    /// The run completed, but some input was skipped (each skip was reported).
    case partial = 3
    /// The corpus held no briefs at all.
    case noBriefs = 4
    /// `--state` is not a storycluster state, is from a newer schema, or is damaged (it is left untouched).
    case badState = 5
    /// Another run holds the `--state` lock.
    case locked = 6
    /// A usage error: unknown option, bad value, a setting out of range.
    case usage = 64
}

/// The one error the library throws for anything a user can cause: a message naming the file (and line, setting or
/// brief) involved, and the exit status the command ends with.
///
/// Programmer errors (a broken invariant inside the library) stay `precondition`s; nothing a user types, configures
/// or feeds in may reach one.
public struct StoryClusterError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, naming the file (and line) involved.
    public var description: String
    /// The exit status the command ends with.
    public var status: ExitStatus

    /// Creates an error with a message and the status it ends the command with (a fatal failure by default).
    public init(_ description: String, status: ExitStatus = .failure) {
        self.description = description
        self.status = status
    }

    /// A bad option or setting value (exit 64).
    public static func usage(_ description: String) -> StoryClusterError { StoryClusterError(description, status: .usage) }

    /// The process exit status as the C type `exit` takes.
    public var exitCode: Int32 { status.rawValue }
}
