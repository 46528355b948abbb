using Spotlight.Decoding;
using Spotlight.Text;
using Spotlight.Translation;
using static TorchSharp.torch;

namespace Spotlight.Tests.Translation;

/// <summary>Untrained tiny models of every architecture: decoding and files, where no learning is needed.</summary>
public class ModelDecodingTests
{
    public static TheoryData<TranslatorArch> Architectures => new(Enum.GetValues<TranslatorArch>());

    private static readonly string[] Sources = ["abc", "h", "hgfedcbaab", "cafe", "bbbbbb", "gag"];

    public ModelDecodingTests() => TranslationKit.OneThread();

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Beam_of_width_one_equals_greedy(TranslatorArch arch)
    {
        using var translator = TranslationKit.RandomTranslator(arch, symbols: 8);
        var ids = Sources.Select(translator.Subwords.Source.Encode).ToList();
        var greedy = translator.Decode(ids, TranslateOptions.Greedy with { MaxLengthOffset = 3 });
        var beam = DecodeWithBeamSearch(translator, ids, 1);   // Translator itself sends beam 1 to Greedy
        for (int i = 0; i < ids.Count; i++)
        {
            Assert.Equal(greedy[i][0].Tokens, beam[i][0].Tokens);
            Assert.Equal(greedy[i][0].LogProb, beam[i][0].LogProb, 1e-5);   // batches shrink differently: float32 rounding
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Batched_decoding_equals_one_sentence_at_a_time(TranslatorArch arch)
    {
        using var translator = TranslationKit.RandomTranslator(arch, symbols: 8);
        var options = new TranslateOptions(Beam: 3, NBest: 2, MaxLengthOffset: 3);
        var batched = translator.Translate(Sources, options);
        var single = translator.Translate(Sources, options with { BatchSize = 1 });
        for (int i = 0; i < Sources.Length; i++)
            for (int n = 0; n < 2; n++)
            {
                Assert.Equal(single[i].Hypotheses[n].Ids, batched[i].Hypotheses[n].Ids);
                Assert.Equal(single[i].Hypotheses[n].Score, batched[i].Hypotheses[n].Score, 1e-4);
            }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Teacher_forcing_computes_the_same_log_probabilities_as_step_by_step_decoding(TranslatorArch arch)
    {
        using var translator = TranslationKit.RandomTranslator(arch, symbols: 8);
        var ids = Sources.Select(translator.Subwords.Source.Encode).ToList();
        var hypotheses = translator.Decode(ids, new TranslateOptions(Beam: 2, LengthPenalty: LengthPenaltyKind.None, MaxLengthOffset: 3));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var pairs = ids.Select((s, i) => new EncodedPair(s, hypotheses[i][0].Tokens, i)).ToList();
        using var batch = TranslationBatch.Create(pairs);
        var (logits, attention) = translator.Network.Forward(batch.Source, batch.SourceMask, batch.TargetIn);
        var logProbs = logits.log_softmax(2);
        for (int i = 0; i < pairs.Count; i++)
        {
            var h = hypotheses[i][0];
            int steps = h.Tokens.Length + (h.Finished ? 1 : 0);
            double replay = 0;
            for (int t = 0; t < steps; t++) replay += logProbs[i, t, batch.TargetOut[i, t].item<long>()].item<float>();
            Assert.Equal(h.LogProb, replay, 1e-4);
            if (arch == TranslatorArch.NoAttention) { Assert.Null(attention); Assert.Null(h.Attention); continue; }
            for (int t = 0; t < steps; t++)
                for (int s = 0; s < ids[i].Length + 1; s++)
                    Assert.Equal(h.Attention![t][s], attention![i, t, s].item<float>(), 1e-4);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Attention_of_every_target_token_sums_to_one_over_the_real_source_positions(TranslatorArch arch)
    {
        if (arch == TranslatorArch.NoAttention) return;
        using var translator = TranslationKit.RandomTranslator(arch, symbols: 8);
        foreach (var r in translator.Translate(Sources, new TranslateOptions(Beam: 3, MaxLengthOffset: 3)))
        {
            var h = r.Best;
            Assert.Equal(h.Ids.Length + (h.Finished ? 1 : 0), h.Attention!.Length);
            foreach (var row in h.Attention)
            {
                Assert.Equal(r.SourcePieces.Count, row.Length);   // padding of the batch is cut off
                Assert.Equal(1.0, row.Sum(), 4);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Save_then_load_gives_identical_translations(TranslatorArch arch)
    {
        using var folder = new TemporaryFolder();
        using var translator = TranslationKit.RandomTranslator(arch, symbols: 8);
        var path = Path.Combine(folder.Path, "m.spotlight");
        translator.Save(path);
        using var loaded = Translator.Load(path);
        Assert.Equal(translator.Config, loaded.Config);
        var options = new TranslateOptions(Beam: 3, NBest: 3, MaxLengthOffset: 3);
        var before = translator.Translate(Sources, options);
        var after = loaded.Translate(Sources, options);
        for (int i = 0; i < Sources.Length; i++)
            for (int n = 0; n < 3; n++)
            {
                Assert.Equal(before[i].Hypotheses[n].Text, after[i].Hypotheses[n].Text);
                Assert.Equal(before[i].Hypotheses[n].Score, after[i].Hypotheses[n].Score);
            }
    }

    [Fact]
    public void The_output_length_limit_follows_the_source_length()
    {
        using var translator = TranslationKit.RandomTranslator(TranslatorArch.NoAttention, symbols: 8);
        var options = TranslateOptions.Greedy with { MaxLengthFactor = 1.0, MaxLengthOffset = 0 };
        foreach (var r in translator.Translate(Sources, options))
            Assert.True(r.Best.Ids.Length + (r.Best.Finished ? 1 : 0) <= r.Source.Length + 1, r.Best.Text);   // ⌈1.0 × (n + 1)⌉
    }

    [Fact]
    public void A_model_file_of_another_kind_or_damaged_is_a_one_line_error()
    {
        using var folder = new TemporaryFolder();
        using var translator = TranslationKit.RandomTranslator(TranslatorArch.RnnSearch);
        var path = Path.Combine(folder.Path, "m.spotlight");
        translator.Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SpotlightException>(() => Translator.Load(path));
        Assert.Equal($"{path}: checksum mismatch (the file is corrupted or was modified after it was saved)", e.Message);
    }

    private static IReadOnlyList<IReadOnlyList<Hypothesis>> DecodeWithBeamSearch(Translator translator, List<int[]> ids, int beam)
    {
        using var scope = NewDisposeScope();
        var (source, mask) = TranslationBatch.Sources(ids);
        var limits = tensor(ids.Select(s => (long)Math.Ceiling(1.5 * (s.Length + 1)) + 3).ToArray());   // as Translator does
        var options = new DecodeOptions(BeamSize: beam, MaxLength: 250, StartToken: Vocabulary.Start, EndToken: Vocabulary.End, MaxLengthPerItem: limits);
        var state = translator.Network.Begin(source, mask);
        try { return BeamSearch.Decode(translator.Network.Step, state, ids.Count, options); }
        finally { translator.Network.Release(state); }
    }
}
