using Spotlight.Captioning;
using Spotlight.Tests.Vision;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;

namespace Spotlight.Tests.Captioning;

public class PointingGameTests
{
    [Fact]
    public void Boxes_follow_the_models_crop_and_stretch_into_the_input_square()
    {
        var photo = new BoxedPhoto("p.jpg", 400, 300, [new GroundTruthObject("dog", 100, 50, 100, 100), new GroundTruthObject("cat", 0, 0, 20, 20)]);
        // Centre crop: scale 224/300, then 37.33 px cut from the left and right; the cat's box lies in the cut strip.
        var cropped = PointingGame.ToInput(photo, new ImagePreprocessing(224));
        var dog = Assert.Single(cropped);
        Assert.Equal(("dog", 37.333, 37.333, 74.667, 74.667), (dog.Shape, Math.Round(dog.X, 3), Math.Round(dog.Y, 3), Math.Round(dog.Width, 3), Math.Round(dog.Height, 3)));
        // Stretch: 224/400 across, 224/300 down; nothing is cut.
        var stretched = PointingGame.ToInput(photo, new ImagePreprocessing(224) { Resize = ResizePolicy.Stretch });
        Assert.Equal(2, stretched.Count);
        Assert.Equal((56.0, 37.333, 56.0, 74.667), (Math.Round(stretched[0].X, 3), Math.Round(stretched[0].Y, 3), Math.Round(stretched[0].Width, 3), Math.Round(stretched[0].Height, 3)));
    }

    [Fact]
    public void Words_score_a_hit_when_their_peak_lies_on_their_categorys_box_and_are_counted_apart_when_it_is_absent()
    {
        // A 2×2 grid over a 100 px input: the dog covers the top-left cell, the man the bottom-right one.
        var boxes = new[] { new GroundTruthObject("dog", 0, 0, 40, 40), new GroundTruthObject("person", 60, 60, 40, 40) };
        float[] TopLeft() => [0.7f, 0.1f, 0.1f, 0.1f];
        var maps = new AttentionMaps(2, 2, [TopLeft(), TopLeft(), TopLeft(), TopLeft(), TopLeft()]);
        string[] words = ["a", "puppy", "and", "man", "cat"];
        var rows = PointingGame.Score([(words, maps, boxes, 100)]);
        var all = rows[0];
        Assert.Equal(("all", 2, 1, 1), (all.Category, all.Words, all.Hits, all.Absent));   // puppy hit, man missed, cat absent
        Assert.Equal(0.5, all.Accuracy);
        Assert.Equal(0.25, all.Chance);                         // each category covers one cell of four
        Assert.Equal((1, 1), (rows.Single(r => r.Category == "dog").Words, rows.Single(r => r.Category == "dog").Hits));
        Assert.Equal(0, rows.Single(r => r.Category == "person").Hits);
        Assert.Equal((0, 1), (rows.Single(r => r.Category == "cat").Words, rows.Single(r => r.Category == "cat").Absent));
        Assert.True(double.IsNaN(rows.Single(r => r.Category == "cat").Accuracy));
    }

    [Fact]
    public void The_synonym_table_maps_caption_words_to_coco_categories()
    {
        Assert.Equal("person", PointingGame.CategoryOf("woman"));
        Assert.Equal("dog", PointingGame.CategoryOf("dogs"));
        Assert.Equal("bicycle", PointingGame.CategoryOf("bike"));
        Assert.Null(PointingGame.CategoryOf("grass"));
    }

    [Fact]
    public void A_file_that_is_not_coco_instances_is_refused_with_its_name()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("instances.json", System.Text.Encoding.UTF8.GetBytes("{\"images\": []}"));
        var e = Assert.Throws<SpotlightException>(() => PointingGame.LoadInstances(path, dir.Path));
        Assert.StartsWith($"{path}: not a COCO instances file", e.Message);
    }
}

/// <summary>The pointing game of a Transformer per decoder layer, on photos with boxes under the words it writes.</summary>
[Collection(TinyCaptioningCollection.Name)]
public class PointingGameLayerTests(TinyCaptioningData data)
{
    private CaptionModel Model(int layers)
    {
        TorchSharp.torch.manual_seed(12);
        var vocabulary = Spotlight.Text.Vocabulary.Build([["dog", "man", "woman"], ["puppy", "people", "boy"]], 1);   // every word names a box
        var config = TinyCaptioningData.TransformerConfig(vocabulary.Count) with { Transformer = TransformerCaptionConfig.Tiny with { Layers = layers } };
        var network = new Captioner(config);
        network.eval();
        return new CaptionModel(network, vocabulary, new ImagePreprocessing(32));
    }

    private IReadOnlyList<BoxedPhoto> Photos() => [.. data.Dataset.Split("test").Images.Select(i => new BoxedPhoto(i.ImagePath, 32, 32,
        [new GroundTruthObject("dog", 0, 0, 16, 16), new GroundTruthObject("person", 12, 12, 20, 20)]))];

    [Fact]
    public void With_one_decoder_layer_its_row_equals_the_captions_maps()
    {
        using var model = Model(layers: 1);
        var runs = PointingGame.RunWithLayers(model, Photos(), new CaptionOptions(Beam: 2) { MinLength = 6 });
        Assert.Equal(["average", "layer 1"], runs.Select(r => r.Maps));
        Assert.True(runs[0].Scores[0].Words > 0, "the random captioner named no dog or person: " + string.Join(" | ", model.CaptionFiles([.. Photos().Select(p => p.Path)], new CaptionOptions(Beam: 2) { MinLength = 6 }).Select(r => r.Caption)));
        Assert.Equal(runs[0].Scores.Select(s => (s.Category, s.Words, s.Hits)), runs[1].Scores.Select(s => (s.Category, s.Words, s.Hits)));
    }

    [Fact]
    public void Each_layer_scores_the_same_words_and_an_lstm_has_only_the_average()
    {
        using var model = Model(layers: 2);
        var runs = PointingGame.RunWithLayers(model, Photos(), new CaptionOptions(Beam: 2) { MinLength = 6 });
        Assert.Equal(["average", "layer 1", "layer 2"], runs.Select(r => r.Maps));
        Assert.All(runs, r => Assert.Equal(runs[0].Scores[0].Words, r.Scores[0].Words));
        using var lstm = data.RandomModel();
        Assert.Single(PointingGame.RunWithLayers(lstm, Photos(), new CaptionOptions(Beam: 2)));
    }
}
