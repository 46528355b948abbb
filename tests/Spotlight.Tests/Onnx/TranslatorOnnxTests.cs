using Spotlight.Decoding;
using Spotlight.Tests.Translation;
using Spotlight.Tests.Vision;
using Spotlight.Translation;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Onnx;

/// <summary>The translators' ONNX export (Transformer and recurrent) against TorchSharp, with padded sources of different lengths.</summary>
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

    private static Translator MakeRecurrent(TranslatorArch arch, RnnCellKind cell, LuongScore score)
    {
        var subwords = TranslationKit.Letters(10);
        torch.manual_seed(11);
        // Unequal sizes (embed 16, encoder 24 per direction, decoder 32, attention 20) so a swapped dimension cannot pass.
        var config = TranslatorConfig.Tiny(arch) with
        {
            SourceVocab = subwords.Source.Count, TargetVocab = subwords.Target.Count, Cell = cell, Score = score,
            EncoderDim = 24, AttentionDim = 20,
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
        using var translator = Make(learnedUntied);
        EncoderAndStepsEqualTorchSharp(translator);
    }

    [Theory]
    [InlineData(TranslatorArch.RnnSearch, RnnCellKind.Gru, LuongScore.General)]
    [InlineData(TranslatorArch.RnnSearch, RnnCellKind.Lstm, LuongScore.General)]
    [InlineData(TranslatorArch.Luong, RnnCellKind.Lstm, LuongScore.Dot)]
    [InlineData(TranslatorArch.Luong, RnnCellKind.Gru, LuongScore.General)]
    [InlineData(TranslatorArch.Luong, RnnCellKind.Lstm, LuongScore.Concat)]
    [InlineData(TranslatorArch.NoAttention, RnnCellKind.Gru, LuongScore.General)]
    [InlineData(TranslatorArch.NoAttention, RnnCellKind.Lstm, LuongScore.General)]
    public void Recurrent_encoders_and_steps_equal_torchsharp_on_padded_sources_with_beams(TranslatorArch arch, RnnCellKind cell, LuongScore score)
    {
        using var translator = MakeRecurrent(arch, cell, score);
        EncoderAndStepsEqualTorchSharp(translator);
    }

    private static void EncoderAndStepsEqualTorchSharp(Translator translator)
    {
        TranslationKit.OneThread();
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
                Assert.Equal(a.Attention is null, b.Attention is null);
                if (a.Attention is not null)
                {
                    Close(a.Attention, b.Attention!, $"attention at step {step}");
                    Assert.Equal(0f, b.Attention![2, ..].narrow(0, 3, 4).abs().sum().item<float>());   // rows 2–3 are [5, 6, <end>]: never attend to padding
                }
                var reorder = arange(rows.shape[0]).reshape(-1, 2).flip(1).reshape(-1);
                (t, o) = (a.State.Select(reorder), b.State.Select(reorder));
            }
        }
        finally
        {
            network.Release(t);
        }
    }

    [Theory]
    [InlineData(TranslatorArch.Transformer)]
    [InlineData(TranslatorArch.RnnSearch)]
    [InlineData(TranslatorArch.Luong)]
    public void Greedy_and_beam_translations_through_onnx_runtime_equal_the_libraries(TranslatorArch arch)
    {
        TranslationKit.OneThread();
        using var translator = arch == TranslatorArch.Transformer ? Make(learnedUntied: false) : MakeRecurrent(arch, RnnCellKind.Lstm, LuongScore.General);
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
    public void Export_writes_both_graphs_and_a_manifest_with_the_subwords_state_and_memory_of_every_architecture()
    {
        using var dir = new TempDirectory();
        using (var translator = Make(learnedUntied: false))
            TranslatorOnnx.Export(translator, dir.File("t"));
        foreach (var file in new[] { "encoder.onnx", "step.onnx", "translator.json" }) Assert.True(File.Exists(dir.File($"t/{file}")), file);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("t/translator.json")));
        Assert.Equal("spotlight-onnx-translator", json.RootElement.GetProperty("format").GetString());
        Assert.Equal("transformer", json.RootElement.GetProperty("arch").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("state").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("subwords").GetProperty("bpe_joint").GetBoolean());

        foreach (var (arch, cell, state, memory, mask) in new[]
        {
            (TranslatorArch.RnnSearch, RnnCellKind.Gru, "h", "values,keys", true),
            (TranslatorArch.Luong, RnnCellKind.Lstm, "h,c,feed", "values,keys", true),
            (TranslatorArch.NoAttention, RnnCellKind.Gru, "h,feed", "", false),
        })
        {
            var folder = dir.File(arch.ToString());
            using (var rnn = MakeRecurrent(arch, cell, LuongScore.General))
                TranslatorOnnx.Export(rnn, folder);
            using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "translator.json")));
            var root = manifest.RootElement;
            Assert.Equal(arch.ToString().ToLowerInvariant(), root.GetProperty("arch").GetString());
            Assert.Equal(state, string.Join(',', root.GetProperty("state").EnumerateArray().Select(e => e.GetString())));
            Assert.Equal(memory, string.Join(',', root.GetProperty("memory").EnumerateArray().Select(e => e.GetString())));
            Assert.Equal(mask, root.TryGetProperty("mask", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.String);
            // What ONNX Runtime reads from the step file is what the manifest says it carries.
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Path.Combine(folder, "step.onnx"));
            Assert.Equal(["tokens", .. state.Split(','), .. memory.Split(',', StringSplitOptions.RemoveEmptyEntries), .. mask ? new[] { "source_mask" } : []],
                session.InputMetadata.Keys);
        }
    }
}
