using System.CommandLine;
using Spotlight.Captioning;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight export</c>: other forms of a trained model.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "a captioner trained on the packaged ResNet-18 (frozen)" };
        var output = new Option<string>("--out") { Description = "the model file to write", Required = true };
        var resize = new Option<string?>("--resize") { Description = "how photos become the model's square input: crop (shorter side, then the centre) | stretch (default: as trained)" };
        resize.AcceptOnlyFromAmong("crop", "stretch");
        var compact = new Command("compact", "Write a captioner without its encoder's weights: the decoder in float16 and a reference (package, file, SHA-256) to the packaged ResNet-18 that loading resolves and checks. This is how models/ ships.")
        {
            model, output, resize,
        };
        compact.SetAction(parse => CliRunner.Run(() =>
        {
            using var captioner = CaptionModel.Load(parse.GetValue(model)!);
            var path = parse.GetValue(output)!;
            captioner.SaveWithEncoderReference(path, parse.GetValue(resize) switch
            {
                "crop" => Spotlight.Vision.ResizePolicy.ShorterSideThenCenterCrop,
                "stretch" => Spotlight.Vision.ResizePolicy.Stretch,
                _ => null,
            });
            Console.WriteLine($"wrote {path} ({new FileInfo(path).Length / 1e6:F1} MB; {parse.GetValue(model)} is {new FileInfo(parse.GetValue(model)!).Length / 1e6:F1} MB)");
            return 0;
        }));
        return new Command("export", "Write a trained model in another form.") { compact };
    }
}
