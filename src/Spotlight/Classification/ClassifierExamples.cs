using Spotlight.Vision;
using static TorchSharp.torch;

namespace Spotlight.Classification;

/// <summary>A split's images decoded and resized once (RGB bytes), made into normalised batches on demand.</summary>
public sealed class ClassifierExamples
{
    private readonly RgbImage[] images;
    private readonly ImagePreprocessing preprocessing;

    public ClassifierExamples(IReadOnlyList<LabelledImage> items, ImagePreprocessing preprocessing)
    {
        Items = items;
        this.preprocessing = preprocessing;
        images = ImagePipeline.LoadAndCropAll([.. items.Select(i => i.Path)], preprocessing, Math.Min(4, Environment.ProcessorCount));
    }

    public IReadOnlyList<LabelledImage> Items { get; }
    public int Count => Items.Count;

    /// <summary>images (rows, 3, S, S) and labels (rows) of the given rows; <paramref name="flip"/> mirrors each row that it marks.</summary>
    public (Tensor Images, Tensor Labels) Batch(IReadOnlyList<int> rows, Func<int, bool>? flip = null)
    {
        int size = preprocessing.Size, plane = 3 * size * size;
        var data = new float[rows.Count * plane];
        for (int i = 0; i < rows.Count; i++)
            ImagePipeline.Normalize(images[rows[i]], preprocessing, data.AsSpan(i * plane, plane), flip?.Invoke(rows[i]) ?? false);
        return (tensor(data, [rows.Count, 3, size, size]), tensor(rows.Select(r => (long)Items[r].Label).ToArray()));
    }
}

/// <summary>Accuracy overall and per class, and the confusion matrix (rows: true class, columns: predicted).</summary>
public sealed record ClassificationScores(int Images, double Accuracy, IReadOnlyList<(string Label, int Images, double Accuracy)> PerClass, int[][] Confusion)
{
    /// <summary>The mean of the per-class accuracies (classes with images): what a classifier gets beyond the class sizes.</summary>
    public double BalancedAccuracy => PerClass.Where(c => c.Images > 0).Select(c => c.Accuracy).DefaultIfEmpty(double.NaN).Average();

    /// <summary>The accuracy of always answering the most frequent class.</summary>
    public double Majority => Images == 0 ? double.NaN : PerClass.Max(c => c.Images) / (double)Images;
}

public static class ClassifierEvaluation
{
    /// <summary>The predicted class of every example, in batches of <paramref name="batchSize"/>.</summary>
    public static int[] Predict(ClassifierModel model, ClassifierExamples examples, int batchSize = 64)
    {
        var predicted = new int[examples.Count];
        for (int start = 0; start < examples.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var rows = Enumerable.Range(start, Math.Min(batchSize, examples.Count - start)).ToList();
            var (images, _) = examples.Batch(rows);
            var best = model.Probabilities(images).argmax(1).data<long>().ToArray();
            for (int i = 0; i < rows.Count; i++) predicted[rows[i]] = (int)best[i];
        }
        return predicted;
    }

    public static ClassificationScores Score(IReadOnlyList<string> labels, IReadOnlyList<LabelledImage> items, IReadOnlyList<int> predicted)
    {
        var confusion = labels.Select(_ => new int[labels.Count]).ToArray();
        for (int i = 0; i < items.Count; i++) confusion[items[i].Label][predicted[i]]++;
        var perClass = labels.Select((label, c) => (label, confusion[c].Sum(), confusion[c].Sum() == 0 ? double.NaN : confusion[c][c] / (double)confusion[c].Sum())).ToList();
        int correct = Enumerable.Range(0, labels.Count).Sum(c => confusion[c][c]);
        return new ClassificationScores(items.Count, items.Count == 0 ? double.NaN : correct / (double)items.Count, perClass, confusion);
    }
}
