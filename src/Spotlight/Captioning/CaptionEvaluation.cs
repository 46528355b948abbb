using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using TorchSharp;

namespace Spotlight.Captioning;

/// <summary>Corpus scores of generated captions (pycocoevalcap-compatible) and, on synthetic data, grounding.</summary>
public sealed record CaptionScores(
    double Bleu1, double Bleu2, double Bleu3, double Bleu4, double? Meteor, double RougeL, double CiderD,
    GroundingScore Grounding, int Images);

/// <summary>What <c>spotlight eval</c> produces: the scores and every generated caption.</summary>
public sealed record CaptionEvaluationReport(CaptionScores Scores, IReadOnlyList<(CaptionImage Image, CaptionResult Result)> Captions);

/// <summary>Captions a split with the model's own batched beam search and scores the generated text.</summary>
public static class CaptionEvaluation
{
    /// <summary>Validation during training: BLEU-4 and CIDEr-D of generated captions on (at most) <paramref name="limit"/> images.</summary>
    public static (double Bleu4, double CiderD) Score(CaptionModel model, IReadOnlyList<CaptionImage> images, int beam, int limit)
    {
        var subset = limit > 0 && images.Count > limit ? images.Take(limit).ToList() : images;
        var report = Evaluate(model, subset, new CaptionOptions(Beam: beam, BatchSize: 64), objects: null, withMeteor: false);
        return (report.Scores.Bleu4, report.Scores.CiderD);
    }

    public static CaptionEvaluationReport Evaluate(
        CaptionModel model, IReadOnlyList<CaptionImage> images, CaptionOptions options,
        IReadOnlyDictionary<string, SyntheticScene>? objects, bool withMeteor = true)
    {
        bool wasTraining = model.Network.training;
        var captions = new List<(CaptionImage, CaptionResult)>(images.Count);
        try
        {
            foreach (var chunk in images.Chunk(options.BatchSize))
            {
                using var scope = torch.NewDisposeScope();
                var batch = torch.stack(chunk.Select(i => model.LoadImage(i.ImagePath)).ToArray());
                var results = model.CaptionTensors(batch, chunk.Select(i => i.Id).ToList(), options);
                for (int k = 0; k < chunk.Length; k++) captions.Add((chunk[k], results[k]));
            }
        }
        finally
        {
            model.Network.train(wasTraining);
        }

        var references = captions.ToDictionary(c => c.Item1.Id, c => (IReadOnlyList<string>)c.Item1.Captions);
        var hypotheses = captions.ToDictionary(c => c.Item1.Id, c => c.Item2.Caption);
        var metrics = CaptionMetricSuite.Compute(references, hypotheses, withMeteor);

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
            metrics.Meteor, metrics.RougeL, metrics.CiderD, grounding, captions.Count);
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
