// Usage: TrainAndCaption PHOTO WORK_FOLDER
// 1. Captions PHOTO with the pretrained captioner (from the Spotlight.Models.Flickr8k package).
// 2. Makes a tiny synthetic captioning data set in WORK_FOLDER, trains a tiny captioner on it for one epoch, and
//    captions one of its test scenes.
using Spotlight.Captioning;
using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: TrainAndCaption PHOTO WORK_FOLDER");
    return 2;
}
try
{
    using (var pretrained = CaptionModel.LoadPretrained())
        Console.WriteLine($"pretrained: {pretrained.Caption(args[0]).Caption}");

    var data = Path.Combine(args[1], "data");
    SyntheticDataset.Generate(new SynthConfig(Train: 64, Val: 8, Test: 8, Size: 32, Seed: 7), data, overwrite: true);
    var dataset = CaptionDataset.Load(data);
    var options = new CaptionTrainingOptions { Epochs = 1, BatchSize = 16, LearningRate = 3e-3, Seed = 11, ValidationBeam = 2, ValidationImages = 8 };
    var trained = new CaptionTrainer(dataset, CaptionerConfig.Tiny(vocabSize: 5, imageSize: 32), options).Train(Path.Combine(args[1], "tiny.spotlight"));
    using var model = CaptionModel.Load(trained.BestModelPath);
    var scene = dataset.Split("test").Images[0].ImagePath;
    Console.WriteLine($"trained: {model.Caption(scene).Caption}");
    return 0;
}
catch (Exception e) when (e is Spotlight.SpotlightException or FileNotFoundException or DirectoryNotFoundException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
