using System.CommandLine;
using Spectre.Console;
using Spotlight.Runtime;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight info</c>: versions, threads and devices.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var device = CommonOptions.Device();
        var command = new Command("info", "Print Spotlight, TorchSharp and libtorch versions, threads and devices.");
        command.Options.Add(device);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var request = ComputeDevice.Parse(parse.GetValue(device)!);
            var info = RuntimeInfo.Collect();
            var chosen = ComputeDevice.Resolve(request, CommonOptions.Notice);
            var table = new Table().AddColumn("component").AddColumn("value");
            table.AddRow("Spotlight", info.SpotlightVersion);
            table.AddRow("TorchSharp", info.TorchSharpVersion);
            table.AddRow("libtorch", info.LibTorchVersion);
            table.AddRow(".NET", info.Framework);
            table.AddRow("OS", info.OperatingSystem);
            table.AddRow("threads", info.Threads.ToString());
            table.AddRow("oneDNN", Spotlight.Runtime.OneDnnGuard.Status);
            Spotlight.Runtime.NnpackSwitch.Disable();
            table.AddRow("NNPACK", Spotlight.Runtime.NnpackSwitch.Status);
            table.AddRow("CUDA available", info.CudaAvailable ? $"yes ({info.CudaDevices} device(s))" : "no");
            table.AddRow("device in use", chosen.type.ToString().ToLowerInvariant());
            var openCv = Spotlight.Inpainting.ClassicalInpainting.OpenCv;
            table.AddRow("OpenCV (optional)", Markup.Escape(openCv.IsAvailable ? "loaded" : $"missing: {openCv.MissingReason}; {openCv.InstallCommand}"));
            var wordNet = Spotlight.Metrics.MeteorCaptionMetric.DefaultWordNetDirectory();
            table.AddRow("WordNet (optional)", Markup.Escape(wordNet ?? "missing: METEOR runs without its synonym module; apt-get install -y wordnet-base"));
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
