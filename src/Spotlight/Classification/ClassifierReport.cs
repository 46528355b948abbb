using Spotlight.Reports;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using static TorchSharp.torch;

namespace Spotlight.Classification;

/// <summary>
/// The page of a classifier's evaluation: the scores, then examples with their true and predicted class. For a ViT
/// each example's "tokens" are its attention pictures: the class token's rollout (Abnar &amp; Zuidema 2020) and each
/// block's class-token attention over the patches (heads averaged); hover or click one to see it on the image.
/// </summary>
public static class ClassifierReport
{
    public static string Write(string directory, ClassifierModel model, ClassifierExamples examples, IReadOnlyList<int> predicted,
        ClassificationScores scores, PointingScore? pointing = null, int count = 12)
    {
        // Mistakes first (they are what one opens such a page for), then the others, in folder order.
        var rows = Enumerable.Range(0, examples.Count).OrderBy(i => predicted[i] == examples.Items[i].Label).ThenBy(i => i).Take(Math.Max(0, count)).ToList();
        var items = new List<TokenAttentionItem>(rows.Count);
        bool vit = model.Network.Config.Encoder == ClassifierEncoder.Vit;
        var grid = (IImageEncoder)model.Network.Encoder;
        foreach (var row in rows)
        {
            using var scope = NewDisposeScope();
            var item = examples.Items[row];
            var (tokens, maps) = vit ? Maps(model, examples, row) : ([], []);
            var meta = $"true: {model.Labels[item.Label]} · predicted: {model.Labels[predicted[row]]}{(predicted[row] == item.Label ? "" : " (wrong)")}";
            items.Add(new TokenAttentionItem(ReportImage.FromFile(item.Path), tokens, maps, vit ? grid.GridHeight : 1, vit ? grid.GridWidth : 1) { Meta = meta });
        }
        var summary = new HtmlPage("summary").Table(["images", "accuracy", "mean per class", "majority class", "chance"],
            [[scores.Images.ToString(), $"{scores.Accuracy:P1}", $"{scores.BalancedAccuracy:P1}", $"{scores.Majority:P1}", $"{1.0 / model.Labels.Count:P1}"]]);
        var extra = summary.BodyMarkup + (pointing is null ? "" : $"<p>{HtmlPage.Escape($"Rollout pointing: the peak patch lies on the labelled object in {pointing.Accuracy:P1} of {pointing.Images} images (chance {pointing.Chance:P1}).")}</p>")
            + (vit ? "" : "<p>This encoder has no class-token attention: the examples show no maps.</p>");
        return TokenAttentionPage.Write(directory, items, $"Spotlight classifier ({model.Network.Config.Encoder.ToString().ToLowerInvariant()}, {examples.Count} images)", extra);
    }

    /// <summary>"rollout", "block 1", …: the class token's rollout and each block's class-token attention (heads averaged).</summary>
    private static (IReadOnlyList<string> Tokens, IReadOnlyList<float[]> Maps) Maps(ClassifierModel model, ClassifierExamples examples, int row)
    {
        var (images, _) = examples.Batch([row]);
        model.Network.eval();
        using var noGrad = no_grad();
        var (_, attention) = model.Network.ForwardWithAttention(images);
        var maps = new List<float[]> { AttentionRollout.ClassTokenMap(attention!)[0].data<float>().ToArray() };
        var tokens = new List<string> { "rollout" };
        for (int b = 0; b < attention!.Count; b++)
        {
            var cls = attention[b][0].mean([0])[0, 1..];                 // the class token's row over the patches
            maps.Add((cls / cls.sum()).data<float>().ToArray());
            tokens.Add($"block {b + 1}");
        }
        return (tokens, maps);
    }
}
