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
        var onnxModel = new Argument<string?>("MODEL") { Description = "a captioner file (default: the pretrained captioner that comes with Spotlight), a translator (Transformer, RNNsearch, Luong or no-attention), or an image-encoder file from `spotlight weights import`", Arity = ArgumentArity.ZeroOrOne };
        var onnxOut = new Option<string>("--out") { Description = "the folder to write into: encoder.onnx, prepare.onnx, step.onnx and captioner.json (a captioner), encoder.onnx, step.onnx and translator.json (a translator), or encoder.onnx and encoder.json (an encoder)", Required = true };
        var imageSize = new Option<int>("--image-size") { Description = "an encoder's input side in pixels (a captioner's is its own)", DefaultValueFactory = _ => 224 };
        var onnx = new Command("onnx", "Write a captioner as ONNX graphs (image encoder, decoder preparation, one decoding step) and captioner.json, a translator (encoder, one decoding step, translator.json), or an image encoder (encoder.onnx, encoder.json), for ONNX Runtime without Spotlight.")
        {
            onnxModel, onnxOut, imageSize,
        };
        onnx.SetAction(parse => CliRunner.Run(() =>
        {
            var source = parse.GetValue(onnxModel);
            var folder = parse.GetValue(onnxOut)!;
            string[] written;
            var kind = source is null ? CaptionModel.Kind : Spotlight.Checkpoints.ModelFile.Inspect(source).Kind;
            if (kind == Spotlight.Translation.Translator.Kind)
            {
                using var translator = Spotlight.Translation.Translator.Load(source!);
                Spotlight.Translation.TranslatorOnnx.Export(translator, folder);
                written = ["encoder.onnx", "step.onnx", Spotlight.Translation.TranslatorOnnx.ManifestFile];
            }
            else if (kind == Spotlight.Vision.Encoders.EncoderWeights.Kind)
            {
                Spotlight.Onnx.EncoderOnnxExport.Export(source!, folder, parse.GetValue(imageSize));
                written = ["encoder.onnx", Spotlight.Onnx.EncoderOnnxExport.ManifestFile];
            }
            else
            {
                using var captioner = source is null ? CaptionModel.LoadPretrained() : CaptionModel.Load(source);
                var manifest = CaptionerOnnxExport.Export(captioner, folder);
                written = [manifest.Files.Encoder, manifest.Files.Prepare, manifest.Files.Step, CaptionerOnnxExport.ManifestFile];
            }
            foreach (var file in written)
                Console.WriteLine($"wrote {Path.Combine(folder, file)} ({new FileInfo(Path.Combine(folder, file)).Length / 1e6:F1} MB)");
            return 0;
        }));
        return new Command("export", "Write a trained model in another form.") { compact, onnx };
    }
}
