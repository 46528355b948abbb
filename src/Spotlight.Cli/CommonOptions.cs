using System.CommandLine;

namespace Spotlight.Cli;

/// <summary>Options shared by several commands, defined once so they read the same everywhere.</summary>
public static class CommonOptions
{
    public static Option<string> Device() => new("--device")
    {
        Description = "auto, cpu or cuda (falls back to CPU with a notice when CUDA is absent)",
        DefaultValueFactory = _ => "auto",
    };

    public static void Notice(string message) => Console.Error.WriteLine($"notice: {message}");
}
