using System.CommandLine;
using Spectre.Console;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using Spotlight.Vision.Encoders.Onnx;
using TorchSharp;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight weights import|classify</c>: bring pretrained encoder weights into Spotlight's format and check them.</summary>
public static class WeightsCommand
{
    public static Command Create()
    {
        var command = new Command("weights", "Import pretrained image-encoder weights (TF.js MobileNet v1, TorchVision/timm ResNet safetensors, ML.NET's ONNX ResNet-18).");
        command.Subcommands.Add(Import());
        command.Subcommands.Add(Classify());
        return command;
    }

    private static Command Import()
    {
        var source = new Argument<string?>("source")
        {
            Description = "a TF.js layers model.json (Keras MobileNet v1), a ResNet .safetensors file or ML.NET's ResNet18.onnx",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var encoder = new Option<string?>("--encoder")
        {
            Description = "resnet18: the ImageNet ResNet-18 that comes with Spotlight (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18)",
        };
        encoder.AcceptOnlyFromAmong("resnet18");
        var output = new Option<string>("--out") { Description = "encoder file to write (.spotlight)", Required = true };
        var command = new Command("import", "Convert pretrained weights once into a Spotlight encoder file.") { source, encoder, output };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            string path = (parse.GetValue(source), parse.GetValue(encoder)) switch
            {
                (string given, null) => given,
                (null, "resnet18") => CntkResNet18.FindInOutput() ?? throw new SpotlightException(
                    $"{Path.Combine(AppContext.BaseDirectory, CntkResNet18.RelativePath)}: not found (it comes with the build; or give the path to ResNet18.onnx)"),
                (null, null) => throw new SpotlightException("give a weights file or --encoder resnet18"),
                _ => throw new SpotlightException("give either a weights file or --encoder, not both"),
            };
            var description = EncoderWeights.Import(path, parse.GetValue(output)!);
            Console.WriteLine($"wrote {parse.GetValue(output)}: {EncoderWeights.Name(description.Arch, description.Alpha)}"
                + (description.Classes > 0 ? $" with its {description.Classes}-class head" : "") + $" (from {description.Source}"
                + (description.Package is { } package ? $", {package}" : "") + (description.SourceSha256 is { } sha ? $", sha256 {sha[..16]}…" : "") + ")");
            return 0;
        }));
        return command;
    }

    private static Command Classify()
    {
        var file = new Argument<string>("encoder") { Description = "an imported MobileNet encoder file with its ImageNet head" };
        var images = new Argument<string[]>("images") { Description = "image files", Arity = ArgumentArity.OneOrMore };
        var size = new Option<int>("--size") { Description = "input side in pixels (shorter side resized, centre crop)", DefaultValueFactory = _ => 224 };
        var top = new Option<int>("--top") { Description = "classes to list per image", DefaultValueFactory = _ => 3 };
        var command = new Command("classify", "ImageNet top classes of images: a check that an import is right.") { file, images, size, top };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            int k = parse.GetValue(top);
            if (k < 1) throw new SpotlightException($"--top must be at least 1, got {k}");
            var preprocessing = ImagePreprocessing.SymmetricUnit(parse.GetValue(size));
            var (model, labels) = EncoderWeights.LoadClassifier(parse.GetValue(file)!, preprocessing.Size);
            using (model)
            {
                var table = new Table().AddColumn("image").AddColumn("class").AddColumn("probability");
                foreach (var path in parse.GetValue(images)!)
                {
                    using var scope = torch.NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    var probabilities = model.Classify(ImageTensor.Load(path, preprocessing).unsqueeze(0))[0];
                    var (values, indices) = probabilities.topk(Math.Min(k, (int)probabilities.shape[0]));
                    for (int i = 0; i < values.shape[0]; i++)
                    {
                        long index = indices[i].item<long>();
                        string label = labels is not null && index < labels.Count ? $"{index} {labels[(int)index]}" : index.ToString();
                        table.AddRow(Markup.Escape(i == 0 ? Path.GetFileName(path) : ""), Markup.Escape(label), $"{values[i].item<float>():F4}");
                    }
                }
                AnsiConsole.Write(table);
            }
            return 0;
        }));
        return command;
    }
}
