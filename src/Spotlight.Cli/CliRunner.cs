namespace Spotlight.Cli;

/// <summary>Runs a command body so that a user mistake prints one line to stderr and exits 1, never a stack trace.</summary>
public static class CliRunner
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (SpotlightException e)
        {
            return Fail(e.Message);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail("cancelled");
        }
    }

    public static int Fail(string message)
    {
        // Plain text, not Spectre markup: a console renderer would wrap a long message onto several lines.
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }
}
