using Spotlight.Decoding;
using Spotlight.Tests.Translation;
using Spotlight.Tests.Vision;
using Spotlight.Translation;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Onnx;

/// <summary>The Transformer translator's ONNX export against TorchSharp, with padded sources of different lengths.</summary>
// Runs alone: it seeds and draws from libtorch's global generator, which the server fixture's model also draws from.
[Collection(Spotlight.Tests.Captioning.TinyCaptioningCollection.Name)]
public class TranslatorOnnxTests
{
    private const double Tolerance = 1e-4;

    private static void Close(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double error = (expected - actual).abs().max().item<float>();
        Assert.True(error < Tolerance, $"{what}: differs by {error:g3}");
    }

    private static Translator Make(bool learnedUntied)
    {
        var translator = TranslationKit.RandomTranslator(TranslatorArch.Transformer, seed: 7, symbols: 10);
        if (!learnedUntied) return translator;
        translator.Dispose();
        var subwords = TranslationKit.Letters(10);
        torch.manual_seed(7);
        var config = TranslatorConfig.Tiny(TranslatorArch.Transformer) with
        {
            SourceVocab = subwords.Source.Count, TargetVocab = subwords.Target.Count, Positions = Spotlight.Transformer.PositionKind.Learned,
            TieEmbeddings = false, EncoderLayers = 2, DecoderLayers = 2,
        };
        var network = Seq2SeqModel.Create(config);
        network.eval();
        return new Translator(network, subwords);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Encoder_and_steps_equal_torchsharp_on_padded_sources_with_beams(bool learnedUntied)
    {
        TranslationKit.OneThread();
        using var translator = Make(learnedUntied);
        var network = translator.Network;
        using var onnx = new OnnxTranslatorSteps(network);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int[][] sentences = [[4, 5, 6, 7, 8, 9], [5, 6], [9, 8, 7, 6]];   // padded to 7 with <end>: masks differ per row
        var (source, mask) = TranslationBatch.Sources(sentences);
        var rows = arange(sentences.Length).repeat_interleave(2);
        IDecoderState t = network.Begin(source, mask), o = onnx.Begin(source, mask);
        try
        {
            (t, o) = (t.Select(rows), o.Select(rows));
            torch.manual_seed(1);
            for (int step = 0; step < 4; step++)
            {
                var tokens = randint(4, translator.Subwords.Target.Count, [rows.shape[0]], dtype: ScalarType.Int64);
                var a = network.Step(tokens, t);
                var b = onnx.Step(tokens, o);
                Close(a.LogProbs, b.LogProbs, $"log-probabilities at step {step}");
                Close(a.Attention!, b.Attention!, $"attention at step {step}");
                Assert.Equal(0f, b.Attention![2, ..].narrow(0, 3, 4).abs().sum().item<float>());   // rows 2–3 are [5, 6, <end>]: never attend to padding
                var reorder = arange(rows.shape[0]).reshape(-1, 2).flip(1).reshape(-1);
                (t, o) = (a.State.Select(reorder), b.State.Select(reorder));
            }
        }
        finally
        {
            network.Release(t);
        }
    }

    [Fact]
    public void Greedy_and_beam_translations_through_onnx_runtime_equal_the_libraries()
    {
        TranslationKit.OneThread();
        using var translator = Make(learnedUntied: false);
        var network = translator.Network;
        using var onnx = new OnnxTranslatorSteps(network);
        using var scope = NewDisposeScope();
        int[][] sentences = [[4, 5, 6, 7], [8, 9], [6, 6, 6, 5, 4]];
        var (source, mask) = TranslationBatch.Sources(sentences);
        foreach (int beam in new[] { 1, 4 })
        {
            var options = new DecodeOptions(BeamSize: beam, MaxLength: 12);
            var torchState = network.Begin(source, mask);
            var expected = beam == 1 ? Greedy.Decode(network.Step, torchState, 3, options).Select(h => (IReadOnlyList<Hypothesis>)[h]).ToList() : BeamSearch.Decode(network.Step, torchState, 3, options);
            network.Release(torchState);
            var actual = beam == 1 ? Greedy.Decode(onnx.Step, onnx.Begin(source, mask), 3, options).Select(h => (IReadOnlyList<Hypothesis>)[h]).ToList() : BeamSearch.Decode(onnx.Step, onnx.Begin(source, mask), 3, options);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(expected[i][0].Tokens, actual[i][0].Tokens);
                Assert.True(Math.Abs(expected[i][0].LogProb - actual[i][0].LogProb) < Tolerance);
            }
        }
    }

    [Fact]
    public void Export_writes_both_graphs_and_a_manifest_with_the_subwords_and_refuses_recurrent_translators()
    {
        using var dir = new TempDirectory();
        using (var translator = Make(learnedUntied: false))
            TranslatorOnnx.Export(translator, dir.File("t"));
        foreach (var file in new[] { "encoder.onnx", "step.onnx", "translator.json" }) Assert.True(File.Exists(dir.File($"t/{file}")), file);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("t/translator.json")));
        Assert.Equal("spotlight-onnx-translator", json.RootElement.GetProperty("format").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("state").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("subwords").GetProperty("bpe_joint").GetBoolean());

        using var rnn = TranslationKit.RandomTranslator(TranslatorArch.RnnSearch);
        var e = Assert.Throws<SpotlightException>(() => TranslatorOnnx.Export(rnn, dir.File("r")));
        Assert.Contains("RnnSearch", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(dir.File("r")));
    }
}
