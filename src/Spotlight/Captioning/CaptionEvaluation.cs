using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Metrics;
using Spotlight.Vision.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Captioning;

/// <summary>Corpus scores of generated captions (pycocoevalcap-compatible) and, on synthetic data, grounding.</summary>
public sealed record CaptionScores(
    double Bleu1, double Bleu2, double Bleu3, double Bleu4, double? Meteor, double RougeL, double CiderD,
    GroundingScore Grounding, int Images)
{
    /// <summary>Bad endings and repetitions among the generated captions.</summary>
    public CaptionFaults Faults { get; init; } = CaptionFaults.None;

    /// <summary>Gender, colour and number words against the references, beside a held-out reference's (<see cref="AttributeWords"/>).</summary>
    public IReadOnlyList<AttributeAgreement> Attributes { get; init; } = [];
}

/// <summary>What <c>spotlight eval</c> produces: the scores and every generated caption.</summary>
public sealed record CaptionEvaluationReport(CaptionScores Scores, IReadOnlyList<(CaptionImage Image, CaptionResult Result)> Captions);

/// <summary>Captions a split with the model's own batched beam search and scores the generated text.</summary>
public static class CaptionEvaluation
{
    /// <summary>
    /// Validation during training: BLEU-4 and CIDEr-D of generated captions. <paramref name="preprocessed"/> holds the
    /// images already preprocessed (images.Count, 3, S, S), made once per run by <see cref="Preprocess"/>, so that
    /// validation does not decode the same files again every epoch.
    /// </summary>
    public static (double Bleu4, double CiderD) Score(CaptionModel model, IReadOnlyList<CaptionImage> images, Tensor preprocessed, int beam,
        ICaptionTokenizer? tokenizer = null)
    {
        var report = Evaluate(model, images, new CaptionOptions(Beam: beam, BatchSize: 64), objects: null, withMeteor: false, preprocessed, tokenizer: tokenizer);
        return (report.Scores.Bleu4, report.Scores.CiderD);
    }

    /// <summary>The same from cached region features (rows in <paramref name="images"/> order).</summary>
    public static (double Bleu4, double CiderD) Score(CaptionModel model, IReadOnlyList<CaptionImage> images, FeatureSet features, int beam,
        ICaptionTokenizer? tokenizer = null)
    {
        var report = Evaluate(model, images, new CaptionOptions(Beam: beam, BatchSize: 64), objects: null, withMeteor: false, features: features, tokenizer: tokenizer);
        return (report.Scores.Bleu4, report.Scores.CiderD);
    }

    /// <summary>All images decoded and preprocessed into one tensor (images.Count, 3, S, S), outside any dispose scope.</summary>
    public static Tensor Preprocess(CaptionModel model, IReadOnlyList<CaptionImage> images)
    {
        using var scope = torch.NewDisposeScope();
        return torch.stack(images.Select(i => model.LoadImage(i.ImagePath)).ToArray()).DetachFromDisposeScope();
    }

    public static CaptionEvaluationReport Evaluate(
        CaptionModel model, IReadOnlyList<CaptionImage> images, CaptionOptions options,
        IReadOnlyDictionary<string, SyntheticScene>? objects, bool withMeteor = true, Tensor? preprocessed = null,
        FeatureSet? features = null, ICaptionTokenizer? tokenizer = null)
    {
        bool wasTraining = model.Network.training;
        var captions = new List<(CaptionImage, CaptionResult)>(images.Count);
        try
        {
            for (int start = 0; start < images.Count; start += options.BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var chunk = Enumerable.Range(start, Math.Min(options.BatchSize, images.Count - start)).Select(i => images[i]).ToArray();
                var ids = chunk.Select(i => i.Id).ToList();
                var results = features is not null
                    ? model.CaptionRegions(features.Rows(start, chunk.Length), ids, options)
                    : model.CaptionTensors(preprocessed is null
                        ? torch.stack(chunk.Select(i => model.LoadImage(i.ImagePath)).ToArray())
                        : preprocessed.narrow(0, start, chunk.Length), ids, options);
                for (int k = 0; k < chunk.Length; k++) captions.Add((chunk[k], results[k]));
            }
        }
        finally
        {
            model.Network.train(wasTraining);
        }

        var references = captions.ToDictionary(c => c.Item1.Id, c => (IReadOnlyList<string>)c.Item1.Captions);
        var hypotheses = captions.ToDictionary(c => c.Item1.Id, c => c.Item2.Caption);
        var metrics = CaptionMetricSuite.Compute(references, hypotheses, withMeteor, tokenizer);

        var grounding = GroundingScore.Empty;
        if (objects is not null)
        {
            grounding = AttentionGrounding.Score(
                captions.Where(c => objects.ContainsKey(c.Item1.Id)).Select(c =>
                {
                    var scene = objects[c.Item1.Id];
                    var boxes = scene.Objects.Select(o => new GroundTruthObject(SceneWords.Word(o.Shape), o.Box.X, o.Box.Y, o.Box.W, o.Box.H)).ToList();
                    return (c.Item2.Tokens, c.Item2.Attention, (IReadOnlyList<GroundTruthObject>)boxes, scene.Width, scene.Height);
                }),
                ShapeOfWord);
        }
        var scores = new CaptionScores(metrics.Bleu[0], metrics.Bleu[1], metrics.Bleu[2], metrics.Bleu[3],
            metrics.Meteor, metrics.RougeL, metrics.CiderD, grounding, captions.Count)
        {
            Faults = CaptionFaults.Of([.. captions.Select(c => (c.Item2.Tokens, c.Item2.Finished))]),
            Attributes = withMeteor /* a full evaluation, not training's validation */ ? AttributeWords.Measure(captions.Select(c => (c.Item2.Tokens, c.Item1.Captions))) : [],
        };
        return new CaptionEvaluationReport(scores, captions);
    }

    /// <summary>The shape a word of the synthetic grammar names ("circles" → "circle"), or null.</summary>
    public static string? ShapeOfWord(string word)
    {
        foreach (var shape in Enum.GetValues<ShapeKind>())
            if (word == SceneWords.Word(shape) || word == SceneWords.Plural(shape)) return SceneWords.Word(shape);
        return null;
    }
}
