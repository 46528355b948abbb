using Spotlight.Vision;

namespace Spotlight.Inpainting;

/// <summary>A way to fill a hole: a trained model or a classical baseline.</summary>
public sealed record InpaintingMethod(string Name, Func<RgbImage, HoleMask, RgbImage> Fill);

/// <summary>Mean scores of one method over the images whose hole ratio falls in one bin (Bin null = all images).</summary>
public sealed record EvaluationRow(string Method, MaskBin? Bin, int Images, double HoleMae100, double Psnr, double Ssim, double? SsimPenNet);

/// <summary>One evaluated image, kept for the example page.</summary>
public sealed record EvaluationExample(string Name, RgbImage Truth, HoleMask Hole, IReadOnlyList<RgbImage> Filled);

public sealed record InpaintingEvaluationResult(IReadOnlyList<string> Methods, IReadOnlyList<EvaluationRow> Rows,
    IReadOnlyList<EvaluationExample> Examples, SsimOptions Ssim, bool HasPenNetSsim, string Masks);

/// <summary>
/// Every method fills the same images with the same masks (mask i = family i mod count from (seed, i)); scores are
/// on the composite: hole MAE×100, PSNR and SSIM (the chosen window, plus PEN-Net's 51×51 when the image allows).
/// </summary>
public static class InpaintingEvaluation
{
    public static InpaintingMethod ModelMethod(string name, InpaintingModel model) => new(name, (image, hole) => model.Fill(image, hole).Composite);

    public static InpaintingMethod Baseline(ClassicalMethod method) =>
        new(ClassicalInpainting.Name(method), (image, hole) => ClassicalInpainting.Fill(image, hole, method));

    /// <summary>Every classical baseline; checks up front that OpenCV loads, so an evaluation never fails halfway.</summary>
    public static IReadOnlyList<InpaintingMethod> Baselines()
    {
        ClassicalInpainting.OpenCv.Require();
        return [.. Enum.GetValues<ClassicalMethod>().Select(Baseline)];
    }

    public static InpaintingEvaluationResult Run(InpaintingImages images, IReadOnlyList<InpaintingMethod> methods,
        IReadOnlyList<MaskFamily> families, long seed, SsimOptions? ssim = null, int examples = 12, IProgress<int>? progress = null)
    {
        if (methods.Count == 0) throw new SpotlightException("nothing to evaluate: give a model or --baselines");
        ssim ??= SsimOptions.Default;
        int size = images.Images[0].Width;
        bool penNet = size >= SsimOptions.PenNet.Window;
        var scores = methods.Select(_ => new List<(MaskBin Bin, QualityScores Q, double? PenNet)>()).ToList();
        var kept = new List<EvaluationExample>();
        for (int i = 0; i < images.Count; i++)
        {
            var truth = images.Images[i];
            var hole = InpaintingBatches.FixedMask(families, size, seed, i);
            var bin = MaskBin.Of(hole.Ratio);
            var filled = new List<RgbImage>();
            for (int m = 0; m < methods.Count; m++)
            {
                var result = methods[m].Fill(truth, hole);
                filled.Add(result);
                var q = ImageQuality.Score(result, truth, hole, ssim);
                double? pen = penNet
                    ? Ssim.Compute(ImageQuality.Planes(result), ImageQuality.Planes(truth), 3, size, size, SsimOptions.PenNet)
                    : null;
                scores[m].Add((bin, q, pen));
            }
            if (kept.Count < examples) kept.Add(new EvaluationExample(images.Names[i], truth, hole, filled));
            progress?.Report(i + 1);
        }

        var rows = new List<EvaluationRow>();
        for (int m = 0; m < methods.Count; m++)
        {
            foreach (var group in scores[m].GroupBy(s => s.Bin).OrderBy(g => g.Key.Lower))
                rows.Add(Row(methods[m].Name, group.Key, group.ToList()));
            rows.Add(Row(methods[m].Name, null, scores[m]));
        }
        return new InpaintingEvaluationResult(methods.Select(m => m.Name).ToList(), rows, kept, ssim, penNet,
            string.Join(",", families.Select(f => f.ToString().ToLowerInvariant())));
    }

    private static EvaluationRow Row(string method, MaskBin? bin, IReadOnlyList<(MaskBin Bin, QualityScores Q, double? PenNet)> items) =>
        new(method, bin, items.Count, items.Average(s => s.Q.HoleMae100), items.Average(s => s.Q.Psnr), items.Average(s => s.Q.Ssim),
            items.All(s => s.PenNet.HasValue) ? items.Average(s => s.PenNet!.Value) : null);
}
