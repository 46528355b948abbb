using Spotlight.Runtime;

namespace Spotlight.Tests;

/// <summary>Tests that need an optional native library run where it loads and report themselves skipped, with the reason, where it does not.</summary>
public static class Requires
{
    public static void Library(OptionalLibrary library) => Skip.IfNot(library.IsAvailable, library.MissingMessage);
}
