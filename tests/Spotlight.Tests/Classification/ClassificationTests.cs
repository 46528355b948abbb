using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Classification;
using Spotlight.Tests.Vision;
using Spotlight.Vision.Encoders;
using TorchSharp;

namespace Spotlight.Tests.Classification;

/// <summary>Image-folder classification: the synthetic task, the folder reader, training the CNN and the ViT, the model file.</summary>
// Runs alone: it seeds and draws from libtorch's global generator, which the server fixture's model also draws from.
[Collection(Spotlight.Tests.Captioning.TinyCaptioningCollection.Name)]
public class ClassificationTests
{
    private static SyntheticClasses.Config TwoShapes => new(TrainPerClass: 120, ValPerClass: 20, TestPerClass: 40, Size: 32, Seed: 3,
        Shapes: [ShapeKind.Circle, ShapeKind.Square]);

    [Fact]
    public void The_synthetic_task_is_balanced_labelled_by_folder_and_reproducible()
    {
        using var dir = new TempDirectory();
        var config = TwoShapes with { TrainPerClass = 10, ValPerClass = 3, TestPerClass = 4 };
        var written = SyntheticClasses.Generate(config, dir.File("a"));
        Assert.Equal((20, 6, 8), (written["train"], written["val"], written["test"]));
        var data = ImageFolderData.Load(dir.File("a"));
        Assert.Equal(["circle", "square"], data.Classes);
        Assert.Equal(10, data.Split("train").Count(i => i.Label == 1));
        SyntheticClasses.Generate(config, dir.File("b"));
        var a = Directory.GetFiles(dir.File("a"), "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.File("a"), f)).Order().ToList();
        Assert.Equal(a, Directory.GetFiles(dir.File("b"), "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.File("b"), f)).Order());
        Assert.All(a, f => Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("a"), f)), File.ReadAllBytes(Path.Combine(dir.File("b"), f))));
    }

    [Fact]
    public void A_flat_folder_is_split_per_class_and_bad_folders_are_one_line_errors()
    {
        using var dir = new TempDirectory();
        SyntheticClasses.Generate(TwoShapes with { TrainPerClass = 20, ValPerClass = 1, TestPerClass = 1 }, dir.File("s"));
        foreach (var c in new[] { "circle", "square" })
        {
            Directory.CreateDirectory(dir.File($"flat/{c}"));
            foreach (var f in Directory.GetFiles(dir.File($"s/train/{c}"))) File.Copy(f, dir.File($"flat/{c}/{Path.GetFileName(f)}"));
        }
        File.WriteAllText(dir.File("flat/circle/notes.txt"), "not an image");
        var data = ImageFolderData.Load(dir.File("flat"));
        Assert.Equal((32, 4, 4), (data.Split("train").Count, data.Split("val").Count, data.Split("test").Count));   // 20 per class: 16/2/2
        Assert.Contains(data.Notices, n => n.Contains("notes.txt"));

        // train/ and val/ without test/ is a split layout too; hidden folders are not classes.
        Directory.Move(dir.File("s/test"), dir.File("s-test"));
        Directory.CreateDirectory(dir.File("s/train/.ipynb_checkpoints"));
        Assert.Equal(["circle", "square"], ImageFolderData.Load(dir.File("s")).Classes);
        // A file with an image's signature that does not decode: one line naming it, not an AggregateException.
        var broken = dir.File("s/train/circle/zz-broken.png");
        File.WriteAllBytes(broken, [.. File.ReadAllBytes(Directory.GetFiles(dir.File("s/train/circle"))[0]).Take(40)]);
        var e = Assert.Throws<SpotlightException>(() => new ClassifierExamples(ImageFolderData.Load(dir.File("s")).Split("train"), new Spotlight.Vision.ImagePreprocessing(32)));
        Assert.Contains("zz-broken.png", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        Directory.CreateDirectory(dir.File("one/only"));
        Assert.Contains("at least 2", Assert.Throws<SpotlightException>(() => ImageFolderData.Load(dir.File("one"))).Message);
        Assert.Contains("folder not found", Assert.Throws<SpotlightException>(() => ImageFolderData.Load(dir.File("absent"))).Message);
        Directory.CreateDirectory(dir.File("empty/a"));
        Directory.CreateDirectory(dir.File("empty/b"));
        Assert.Contains("has no images", Assert.Throws<SpotlightException>(() => ImageFolderData.Load(dir.File("empty"))).Message);
    }

    [Fact]
    public void A_vit_classifier_survives_its_file_and_predicts_with_a_rollout_map_a_cnn_has_none()
    {
        using var dir = new TempDirectory();
        SyntheticClasses.Generate(TwoShapes with { TrainPerClass = 4, ValPerClass = 2, TestPerClass = 2 }, dir.File("data"));
        var photo = Directory.GetFiles(dir.File("data/test/circle"))[0];
        torch.manual_seed(2);
        using (var vit = new ClassifierModel(new Classifier(new ClassifierConfig(2, ClassifierEncoder.Vit, Vit: new VitConfig(32, 8, 32, 2, 2))), ["circle", "square"]))
        {
            var before = vit.Predict([photo])[0];
            vit.Save(dir.File("vit.spotlight"));
            using var loaded = ClassifierModel.Load(dir.File("vit.spotlight"));
            var after = loaded.Predict([photo])[0];
            Assert.Equal(before.Top, after.Top);
            Assert.Equal((4, 4, 16), (after.GridHeight, after.GridWidth, after.Rollout!.Length));
            Assert.True(Math.Abs(after.Rollout.Sum() - 1) < 1e-4);
            Assert.True(Math.Abs(after.Top.Sum(t => t.Probability) - 1) < 1e-5);
        }
        using var cnn = new ClassifierModel(new Classifier(new ClassifierConfig(2, Cnn: new SmallCnnConfig(32))), ["circle", "square"]);
        Assert.Null(cnn.Predict([photo])[0].Rollout);
    }

    [Fact]
    public void Photos_are_classed_by_what_most_of_their_captions_name_and_photos_naming_two_classes_are_left_out()
    {
        var config = CaptionClasses.Config.Default;
        Assert.Equal("dog", CaptionClasses.ClassOf(["A dog runs.", "Two dogs play", "a puppy on grass", "grass", "a man on a bike"], config, out _));
        Assert.Null(CaptionClasses.ClassOf(["A dog runs.", "Two dogs play", "a cat", "grass", "a field"], config, out var ambiguous));   // two of five
        Assert.False(ambiguous);
        Assert.Null(CaptionClasses.ClassOf(["a dog in snow", "dogs in the snow", "a dog on snowy ground", "x", "y"], config, out ambiguous));
        Assert.True(ambiguous);
        Assert.Null(CaptionClasses.ClassOf(["a hotdog stand", "hotdogs", "a hotdog", "x", "y"], config, out _));   // whole words only
        Assert.Equal(["cat", "cats", "cates"], CaptionClasses.Config.Of(["cat", "dog"], 3).Classes["cat"]);
        Assert.Contains("at least 2", Assert.Throws<SpotlightException>(() => CaptionClasses.Config.Of(["dog"], 3).Validate()).Message);
        Assert.Contains("not a word", Assert.Throws<SpotlightException>(() => CaptionClasses.Config.Of(["dog", "../x"], 3).Validate()).Message);

        // Written as an image folder with the data set's splits, photos linked; a class no split has is an error.
        using var dir = new TempDirectory();
        SyntheticDataset.Generate(new SynthConfig(Train: 40, Val: 8, Test: 8, Size: 32, Seed: 5), dir.File("scenes"));
        var scenes = Spotlight.Captioning.Data.CaptionDataset.Load(dir.File("scenes"));
        var shapes = CaptionClasses.Config.Of(["circle", "square"], 1);
        var summary = CaptionClasses.Write(scenes, shapes, dir.File("out"));
        var folder = ImageFolderData.Load(dir.File("out"));
        Assert.Equal(["circle", "square"], folder.Classes);
        int written = summary.Counts.Values.Sum(c => c.Values.Sum());
        Assert.Equal(written, folder.Split("train").Count + folder.Split("val").Count + folder.Split("test").Count);
        Assert.Equal(56, written + summary.Ambiguous + summary.Unnamed);
        var first = folder.Split("train")[0];
        var source = scenes.Images.Single(i => Path.GetFileName(i.ImagePath) == Path.GetFileName(first.Path));
        Assert.Equal(folder.Classes[first.Label], CaptionClasses.ClassOf(source.Captions, shapes, out _));
        Assert.Contains("no train photo is named 'unicorn'", Assert.Throws<SpotlightException>(() =>
            CaptionClasses.Write(scenes, CaptionClasses.Config.Of(["circle", "unicorn"], 1), dir.File("none"))).Message);
    }

    [Fact]
    public void The_rollout_pointing_game_scores_the_peak_patch_against_the_labelled_box()
    {
        using var dir = new TempDirectory();
        SyntheticClasses.Generate(TwoShapes with { TrainPerClass = 4, ValPerClass = 2, TestPerClass = 6 }, dir.File("data"));
        var (size, boxes) = LabelBoxes.Read(dir.File("data"));
        Assert.Equal(32, size);
        Assert.Equal(24, boxes.Count);                                                 // every image has its labelled object's box
        Assert.All(boxes.Values, b => Assert.True(b.X >= 0 && b.Y >= 0 && b.X + b.W <= 32 && b.Y + b.H <= 32));

        torch.manual_seed(4);
        using var vit = new ClassifierModel(new Classifier(new ClassifierConfig(2, ClassifierEncoder.Vit, Vit: new VitConfig(32, 8, 32, 2, 2))), ["circle", "square"]);
        var set = ImageFolderData.Load(dir.File("data"));
        var examples = new ClassifierExamples(set.Split("test"), vit.Preprocessing);
        var peaks = vit.Predict([.. examples.Items.Select(i => i.Path)]).Select(p => Array.IndexOf(p.Rollout!, p.Rollout!.Max())).ToList();

        // Boxes of exactly each image's peak patch (8 × 8 px on a 4 × 4 grid): every image is a hit, chance is 1/16.
        var keys = examples.Items.Select(i => Path.GetRelativePath(dir.File("data"), i.Path).Replace('\\', '/')).ToList();
        LabelBoxes.Write(dir.File("data"), 32, keys.Select((k, i) => (k, new PixelBox(peaks[i] % 4 * 8, peaks[i] / 4 * 8, 8, 8))).ToDictionary(x => x.k, x => x.Item2));
        var onPeak = RolloutPointing.Score(vit, examples, dir.File("data"));
        Assert.Equal((12, 12, 1.0 / 16), (onPeak.Images, onPeak.Hits, onPeak.Chance));
        // The patch beside the peak: never a hit.
        LabelBoxes.Write(dir.File("data"), 32, keys.Select((k, i) => (k, new PixelBox((peaks[i] % 4 + 1) % 4 * 8, peaks[i] / 4 * 8, 8, 8))).ToDictionary(x => x.k, x => x.Item2));
        Assert.Equal(0, RolloutPointing.Score(vit, examples, dir.File("data")).Hits);

        // The report: per example the rollout and each block's class-token map (2 blocks) as overlays.
        var predicted = ClassifierEvaluation.Predict(vit, examples);
        ClassifierReport.Write(dir.File("page"), vit, examples, predicted, ClassifierEvaluation.Score(vit.Labels, examples.Items, predicted), onPeak, count: 2);
        Assert.Equal(2 * 3, Directory.GetFiles(dir.File("page"), "img????_w??.png").Length);
        var html = File.ReadAllText(dir.File("page/index.html"));
        Assert.Contains("rollout", html);
        Assert.Contains("block 2", html);
        Assert.Contains("Rollout pointing", html);

        using var cnn = new ClassifierModel(new Classifier(new ClassifierConfig(2, Cnn: new SmallCnnConfig(32))), ["circle", "square"]);
        Assert.Contains("needs a ViT", Assert.Throws<SpotlightException>(() => RolloutPointing.Score(cnn, examples, dir.File("data"))).Message);
        File.WriteAllText(dir.File("data/boxes.json"), "{\"size\": 32}");
        Assert.StartsWith(dir.File("data/boxes.json"), Assert.Throws<SpotlightException>(() => RolloutPointing.Score(vit, examples, dir.File("data"))).Message);
    }

    [Fact]
    public void The_commands_make_data_train_evaluate_and_predict_and_refuse_a_missing_folder_in_one_line()
    {
        using var dir = new TempDirectory();
        var data = dir.File("data");
        Assert.Equal(0, CliHarness.Run("classify", "synth", "--out", data, "--train", "8", "--val", "2", "--test", "3", "--size", "32").Code);
        var (code, _, error) = CliHarness.Run("classify", "train", "--data", data, "--out", dir.File("m.spotlight"), "--epochs", "1", "--threads", "1");
        Assert.True(code == 0, error);
        (code, var output, error) = CliHarness.Run("classify", "eval", dir.File("m.spotlight"), "--data", data, "--json");
        Assert.True(code == 0, error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(12, json.RootElement.GetProperty("images").GetInt32());        // 4 classes × 3
        Assert.Equal(0.25, json.RootElement.GetProperty("chance").GetDouble());
        Assert.Equal(0.25, json.RootElement.GetProperty("majority").GetDouble());     // balanced: every class 3 of 12
        var perClass = json.RootElement.GetProperty("per_class").EnumerateArray().Select(c => c.GetProperty("accuracy").GetDouble()).Average();
        Assert.Equal(perClass, json.RootElement.GetProperty("balanced_accuracy").GetDouble(), 12);
        (code, _, error) = CliHarness.Run("classify", "eval", dir.File("m.spotlight"), "--data", data, "--report", dir.File("page"), "--examples", "3");
        Assert.True(code == 0, error);
        var page = File.ReadAllText(dir.File("page/index.html"));
        Assert.Contains("mean per class", page);
        Assert.Equal(3, Directory.GetFiles(dir.File("page"), "img????.png").Length);   // a CNN: the pictures, no maps
        (code, _, error) = CliHarness.Run("classify", "eval", dir.File("m.spotlight"), "--data", data, "--pointing");
        Assert.Equal(1, code);
        Assert.Contains("needs a ViT classifier", error);
        var photo = Directory.GetFiles(Path.Combine(data, "test", "star"))[0];
        (code, output, error) = CliHarness.Run("classify", "predict", dir.File("m.spotlight"), photo, "--top", "2");
        Assert.True(code == 0, error);
        Assert.Equal(3, output.Trim().Split('\t').Length);                            // file, then two classes with probabilities

        (code, _, error) = CliHarness.Run("classify", "train", "--data", dir.File("absent"), "--out", dir.File("x.spotlight"));
        Assert.NotEqual(0, code);
        Assert.Contains("absent", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}

/// <summary>
/// Training to an accuracy floor runs alone (the tiny-captioning collection does not run in parallel): its seeded
/// initialisation draws from libtorch's global generator, which tests on other threads would otherwise draw from too.
/// </summary>
[Collection(Spotlight.Tests.Captioning.TinyCaptioningCollection.Name)]
public class ClassifierLearningTests
{
    private static SyntheticClasses.Config TwoShapes => new(TrainPerClass: 120, ValPerClass: 20, TestPerClass: 40, Size: 32, Seed: 3,
        Shapes: [ShapeKind.Circle, ShapeKind.Square]);

    /// <summary>
    /// The CNN tells a lone circle from a lone square; the ViT, which learns shapes slowly from a few hundred images
    /// (docs/results.md), is held to the colour of the largest of 1–3 shapes, which its patch embedding sees directly.
    /// </summary>
    [Theory]
    [InlineData("cnn", 0.85)]
    [InlineData("vit", 0.85)]
    public void A_tiny_model_learns_a_two_class_task_well_above_chance(string encoder, double floor)
    {
        torch.set_num_threads(1);
        using var dir = new TempDirectory();
        SyntheticClasses.Generate(encoder == "cnn" ? TwoShapes with { TrainPerClass = 200, MaxObjects = 1 }
            : TwoShapes with { TrainPerClass = 200, ByColour = true, Colours = [ObjectColour.Red, ObjectColour.Blue] }, dir.File("data"));
        var data = ImageFolderData.Load(dir.File("data"));
        var config = encoder == "cnn"
            ? new ClassifierConfig(2, ClassifierEncoder.Cnn, Cnn: new SmallCnnConfig(32, [16, 32, 64]))
            : new ClassifierConfig(2, ClassifierEncoder.Vit, Vit: new VitConfig(32, PatchSize: 8, Dim: 64, Depth: 2, Heads: 2, MlpRatio: 2));
        var result = new ClassifierTrainer(data, config, new ClassifierTrainingOptions(Epochs: 20, BatchSize: 32, LearningRate: 2e-3, Seed: 5)).Train(dir.File("m.spotlight"));
        using var model = ClassifierModel.Load(result.BestModelPath);
        var examples = new ClassifierExamples(data.Split("test"), model.Preprocessing);
        var scores = ClassifierEvaluation.Score(model.Labels, examples.Items, ClassifierEvaluation.Predict(model, examples));
        Assert.True(scores.Accuracy >= floor, $"{encoder}: test accuracy {scores.Accuracy:P1} (chance 50 %)");
        Assert.Equal(80, scores.Confusion.Sum(r => r.Sum()));
    }
}
