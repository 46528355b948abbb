using Spotlight.Cli;

namespace Spotlight.Tests;

/// <summary>Runs the `spotlight` command in-process and captures what it prints (tests using it share the console).</summary>
public static class CliHarness
{
    private static readonly object ConsoleGate = new();

    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        lock (ConsoleGate)
        {
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            var (o, e) = (new StringWriter(), new StringWriter());
            Console.SetOut(o);
            Console.SetError(e);
            try
            {
                var code = Program.BuildRoot().Parse(args).Invoke();
                return (code, o.ToString(), e.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }
}
