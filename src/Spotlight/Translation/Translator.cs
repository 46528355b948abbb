using System.Text.Json;
using Spotlight.Checkpoints;
using Spotlight.Decoding;
using Spotlight.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Translation;

/// <summary>
/// A trained translator: the network, its config and its subword models, saved together in one
/// <c>.spotlight</c> file of kind <c>translator</c>. Translates batches of sentences with
/// <see cref="Spotlight.Decoding"/> (greedy or beam), returning text, n-best lists and attention.
/// </summary>
public sealed class Translator : IDisposable
{
    public const string Kind = "translator";
    public static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public Translator(Seq2SeqModel network, Subwords subwords)
    {
        Network = network;
        Subwords = subwords;
        if (network.Config.SourceVocab != subwords.Source.Count || network.Config.TargetVocab != subwords.Target.Count)
            throw new SpotlightException($"translator: the config's vocabulary sizes ({network.Config.SourceVocab}, {network.Config.TargetVocab}) " +
                $"differ from the subword models' ({subwords.Source.Count}, {subwords.Target.Count})");
    }

    public Seq2SeqModel Network { get; }
    public Subwords Subwords { get; }
    public TranslatorConfig Config => Network.Config;

    /// <summary>Extra JSON saved with the model (e.g. the training summary); null for none.</summary>
    public string? SummaryJson { get; set; }

    public IReadOnlyList<TranslationResult> Translate(IReadOnlyList<string> sentences, TranslateOptions options)
    {
        var ids = sentences.Select(Subwords.Source.Encode).ToList();
        var decoded = Decode(ids, options);
        var results = new TranslationResult[sentences.Count];
        for (int i = 0; i < sentences.Count; i++)
        {
            var sourcePieces = ids[i].Select(Subwords.Source.Piece).Append("<end>").ToList();
            // The decoder's attention rows span the padded batch; this sentence's own positions come first.
            var hypotheses = decoded[i].Select(h => new TranslationHypothesis(
                Subwords.Target.Decode(h.Tokens), h.Tokens.Select(Subwords.Target.Piece).ToList(), h.Tokens,
                h.LogProb, h.Score, h.Finished, h.Attention?.Select(row => row[..sourcePieces.Count]).ToArray())).ToList();
            results[i] = new TranslationResult(sentences[i], sourcePieces, hypotheses);
        }
        return results;
    }

    /// <summary>
    /// Decodes sources given as subword ids (without &lt;end&gt;; it is appended). Per source, up to NBest
    /// hypotheses in the decoder's order. Sentences are grouped by length into batches of options.BatchSize.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Hypothesis>> Decode(IReadOnlyList<int[]> sources, TranslateOptions options)
    {
        options.Validate();
        var results = new IReadOnlyList<Hypothesis>[sources.Count];
        var order = Enumerable.Range(0, sources.Count).OrderBy(i => sources[i].Length).ToArray();
        bool wasTraining = Network.training;
        Network.eval();
        try
        {
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                var chunk = order.Skip(start).Take(options.BatchSize).ToArray();
                var decoded = DecodeBatch(chunk.Select(i => sources[i]).ToList(), options);
                for (int k = 0; k < chunk.Length; k++) results[chunk[k]] = decoded[k];
            }
        }
        finally
        {
            Network.train(wasTraining);
        }
        return results;
    }

    private IReadOnlyList<IReadOnlyList<Hypothesis>> DecodeBatch(IReadOnlyList<int[]> sources, TranslateOptions options)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = Network.parameters().First().device;
        var (source, mask) = TranslationBatch.Sources(sources, device);
        var limits = tensor(sources.Select(s => (long)Math.Ceiling(options.MaxLengthFactor * (s.Length + 1)) + options.MaxLengthOffset).ToArray());
        var decodeOptions = new DecodeOptions(BeamSize: options.Beam, MaxLength: options.MaxLength, StartToken: Vocabulary.Start,
            EndToken: Vocabulary.End, LengthPenalty: options.LengthPenalty, LengthAlpha: options.LengthAlpha,
            CoverageBeta: options.CoverageBeta, NoRepeatNgram: options.NoRepeatNgram, NBest: options.NBest,
            MaxLengthPerItem: limits, SourceMask: options.CoverageBeta > 0 ? mask : null, Device: device);
        var state = Network.Begin(source, mask);
        try
        {
            return options.Beam == 1 && options.NBest == 1
                ? Greedy.Decode(Network.Step, state, sources.Count, decodeOptions).Select(h => (IReadOnlyList<Hypothesis>)[h]).ToList()
                : BeamSearch.Decode(Network.Step, state, sources.Count, decodeOptions);
        }
        finally
        {
            Network.Release(state);
        }
    }

    private static readonly TaskModelFile<TranslatorConfig> FileFormat = new(Kind, Json);

    public void Save(string path) => FileFormat.Save(path, Network, Config, SummaryJson, Subwords.ToBlobs());

    public static Translator Load(string path, Device? device = null) => FileFormat.Load(path, file =>
    {
        var subwords = Subwords.FromBlobs(file.File.Blobs, path);
        return new Translator(file.Network(Seq2SeqModel.Create, device), subwords) { SummaryJson = file.Summary };
    });

    public void Dispose() => Network.Dispose();
}
