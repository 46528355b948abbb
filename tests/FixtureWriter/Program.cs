using Spotlight.Captioning;
using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Inpainting;
using Spotlight.Text;
using Spotlight.Translation;
using Spotlight.Vision.Encoders;
using TorchSharp;

// Small files written by today's code, so that later code can be tested against them (FixtureTests).
// The settings are the tests' tiny ones (TinyCaptioningData, TranslationKit.RandomTranslator, InpaintingConfig.Tiny), with
// narrower layers for the captioner and translator so that each file stays under about 100 KB.
var output = Path.GetFullPath(args.Length > 0 ? args[0] : "tests/Spotlight.Tests/Fixtures");
Directory.CreateDirectory(output);
torch.set_num_threads(1);

// A captioner and a training checkpoint from one epoch of the tests' tiny synthetic data.
var data = Path.Combine(Path.GetTempPath(), "spotlight-fixtures-" + Guid.NewGuid().ToString("N"));
try
{
    SyntheticDataset.Generate(new SynthConfig(Train: 64, Val: 8, Test: 8, Size: 32, Seed: 7), data);
    var dataset = CaptionDataset.Load(data);
    var options = new CaptionTrainingOptions { Epochs = 1, BatchSize = 16, LearningRate = 3e-3, Seed = 11, ValidationBeam = 2, ValidationImages = 8 };
    var run = Path.Combine(data, "run", "model.spotlight");
    var result = new CaptionTrainer(dataset, FixtureCaptioner, options).Train(run);
    File.Copy(result.BestModelPath, Path.Combine(output, "captioner.spotlight"), overwrite: true);
    File.Copy(result.CheckpointPath, Path.Combine(output, "captioner.checkpoint"), overwrite: true);
    using var captioner = CaptionModel.Load(result.BestModelPath);
    using var grey = torch.full(1, 3, 32, 32, 0.5f);
    var caption = captioner.CaptionTensors(grey, ["grey"], new CaptionOptions(Beam: 1));
    Console.WriteLine($"captioner: steps {result.Steps}, caption of a grey image: '{caption[0].Caption}', log p {caption[0].LogProb:R}");
}
finally
{
    Directory.Delete(data, recursive: true);
}

// A translator (random weights, the tests' letters) with a training summary.
{
    var letters = new BpeModel(Enumerable.Range(0, 8).Select(i => ((char)('a' + i)).ToString()).ToList(), []);
    var subwords = new Subwords(letters, letters, true);
    torch.manual_seed(3);
    var config = TranslatorConfig.Tiny(TranslatorArch.RnnSearch) with { EmbedDim = 8, EncoderDim = 8, DecoderDim = 8, AttentionDim = 8, SourceVocab = subwords.Source.Count, TargetVocab = subwords.Target.Count };
    var network = Seq2SeqModel.Create(config);
    network.eval();
    using var translator = new Translator(network, subwords) { SummaryJson = """{"fixture":"translator","steps":0}""" };
    translator.Save(Path.Combine(output, "translator.spotlight"));
    var best = translator.Translate(["abcd"], TranslateOptions.Greedy)[0].Best;
    Console.WriteLine($"translator: 'abcd' -> '{best.Text}', log p {best.LogProb:R}");
}

// An inpainter (random weights) with a summary, under the name inpainting used then ("summary").
{
    torch.manual_seed(3);
    using var inpainter = InpaintingModel.Create(InpaintingConfig.Tiny(16));
    inpainter.SummaryJson = """{"fixture":"inpainter","steps":0}""";
    inpainter.Save(Path.Combine(output, "inpainter.spotlight"));
    var filled = inpainter.Fill(SyntheticTextures.Render(16, 2, 0), MaskGenerator.Centre(16));
    Console.WriteLine($"inpainter: byte sum of the raw fill: {filled.Raw.Data.Sum(b => (long)b)}");
}

// An encoder file: MobileNet v1 at width 0.05 (tiny), random weights.
{
    torch.manual_seed(3);
    using var mobile = new MobileNetV1(0.05, 32);
    var path = Path.Combine(output, "encoder.spotlight");
    EncoderWeights.Save(path, mobile, new EncoderWeights.Description("mobilenet-v1", 0.05, 0, "fixture"), ["a", "b"]);
    Console.WriteLine($"encoder: {EncoderWeights.Describe(path)}");
}
foreach (var file in Directory.GetFiles(output).Order()) Console.WriteLine($"{Path.GetFileName(file)}: {new FileInfo(file).Length} bytes");

public static partial class Program
{
    /// <summary>CaptionerConfig.Tiny, narrower (FixtureTests builds the same one to resume the checkpoint).</summary>
    private static CaptionerConfig FixtureCaptioner => CaptionerConfig.Tiny(5, imageSize: 32) with
    {
        EmbedDim = 8, DecoderDim = 16, AttentionDim = 8, Encoder = new SmallCnnConfig(32, [4, 8, 8]),
    };
}
