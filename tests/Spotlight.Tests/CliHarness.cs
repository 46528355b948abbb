using Spectre.Console;
using Spotlight.Cli;

namespace Spotlight.Tests;

/// <summary>
/// Runs the `spotlight` command in-process and captures what it prints. Tests that use it belong to the "Console"
/// collection, so they never run at the same time. Spectre.Console's static console is bound to the writer it first
/// saw, so it is pointed at the capture explicitly for each run.
/// </summary>
public static class CliHarness
{
    private static readonly object ConsoleGate = new();

    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        lock (ConsoleGate)
        {
            var (oldOut, oldErr, oldAnsi) = (Console.Out, Console.Error, AnsiConsole.Console);
            var (o, e) = (new StringWriter(), new StringWriter());
            Console.SetOut(o);
            Console.SetError(e);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(o), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            AnsiConsole.Profile.Width = 200;
            try
            {
                var code = Program.BuildRoot().Parse(args).Invoke();
                return (code, o.ToString(), e.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
                AnsiConsole.Console = oldAnsi;
            }
        }
    }
}
