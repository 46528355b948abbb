using System.CommandLine;
using Spotlight.Cli.Commands;

namespace Spotlight.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Spotlight.Runtime.OneDnnGuard.Apply();   // before anything reaches libtorch
        return BuildRoot().Parse(args).Invoke();
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Spotlight: attention models for .NET (image captioning, translation, inpainting, visual question answering).");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(RecipeCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(CaptionCommand.Create());
        root.Subcommands.Add(ResultsCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(ScoreCommand.Create());
        root.Subcommands.Add(TranslateCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(InpaintCommand.Create());
        root.Subcommands.Add(WeightsCommand.Create());
        root.Subcommands.Add(LabCommand.Create());
        root.Subcommands.Add(VqaCommand.Create());
        root.Subcommands.Add(ClassifyCommand.Create());
        return root;
    }
}
