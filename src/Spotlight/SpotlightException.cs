namespace Spotlight;

/// <summary>
/// A problem the user can fix (bad file, bad option, mismatched model). Its message is one line that names the
/// file or value and the problem; the CLI prints it without a stack trace and exits non-zero.
/// </summary>
public class SpotlightException : Exception
{
    public SpotlightException(string message) : base(message) { }
    public SpotlightException(string message, Exception inner) : base(message, inner) { }
}
