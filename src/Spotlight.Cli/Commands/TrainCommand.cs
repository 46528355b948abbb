using Spotlight.Checkpoints;
using System.CommandLine;
using Spectre.Console;
using Spotlight.Captioning;
using Spotlight.Captioning.Data;
using Spotlight.Metrics.Ptb;
using Spotlight.Training;
using Spotlight.Transformer;
using Spotlight.Vision.Encoders;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight train</c>: trains a Show-Attend-Tell captioner.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "data set: a folder (from `spotlight data synth`, or Flickr8k/30k token and split files) or a COCO/Karpathy JSON file", Required = true };
        var run = new TrainingOptions("model file to write (best on validation); .last.spotlight, .checkpoint, .log.jsonl, .curves.png go beside it",
            learningRate: 2e-3, batchSize: 64);
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 30 };
        var warmup = new Option<int?>("--warmup") { Description = $"linear learning-rate warm-up over this many steps (default 0; {CaptionTrainingOptions.TransformerWarmupSteps} with --decoder transformer)" };
        var schedule = new Option<string?>("--schedule") { Description = "learning rate after warm-up: plateau (halve when validation stalls) | inverse-sqrt | constant (default: plateau; inverse-sqrt with --decoder transformer)" };
        schedule.AcceptOnlyFromAmong("plateau", "inverse-sqrt", "constant");
        var labelSmoothing = new Option<double?>("--label-smoothing") { Description = $"ε of label smoothing (default 0; {CaptionTrainingOptions.TransformerLabelSmoothing} with --decoder transformer)" };
        var attention = new Option<string>("--attention") { Description = "additive | scaled-dot | multi-head", DefaultValueFactory = _ => "additive" };
        attention.AcceptOnlyFromAmong("additive", "scaled-dot", "multi-head");
        var decoder = new Option<string>("--decoder") { Description = "lstm | gru (Show, Attend and Tell) | transformer", DefaultValueFactory = _ => "lstm" };
        decoder.AcceptOnlyFromAmong("lstm", "gru", "transformer");
        var transformerDefaults = new TransformerCaptionConfig();
        var layers = new Option<int>("--layers") { Description = "Transformer decoder layers", DefaultValueFactory = _ => transformerDefaults.Layers };
        var encoderLayers = new Option<int>("--encoder-layers") { Description = "Transformer encoder layers over the regions, with 2-D position embeddings (0 = none)", DefaultValueFactory = _ => transformerDefaults.EncoderLayers };
        var modelDim = new Option<int>("--model-dim") { Description = "Transformer width d", DefaultValueFactory = _ => transformerDefaults.ModelDim };
        var heads = new Option<int?>("--heads") { Description = $"attention heads (multi-head attention; default 4)" };
        var feedForward = new Option<int>("--ff-dim") { Description = "Transformer feed-forward width", DefaultValueFactory = _ => transformerDefaults.FeedForwardDim };
        var positions = new Option<string>("--positions") { Description = "Transformer word positions: sinusoidal | learned", DefaultValueFactory = _ => "sinusoidal" };
        positions.AcceptOnlyFromAmong("sinusoidal", "learned");
        var noTie = new Option<bool>("--no-tie") { Description = "Transformer: a separate output layer instead of the word embedding transposed" };
        var optimizer = new Option<string>("--optimizer") { Description = "adam | rmsprop", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "rmsprop");
        var lambda = new Option<float?>("--attention-penalty") { Description = $"λ of the doubly stochastic attention penalty (Xu et al. eq. 14; default {new CaptionerConfig(5).DoublyStochasticLambda}, 0 with --decoder transformer)" };
        var initState = new Option<string>("--init-state") { Description = "initial LSTM/GRU state: mean (from the mean region, as the paper) or learned", DefaultValueFactory = _ => "mean" };
        initState.AcceptOnlyFromAmong("mean", "learned");
        var threads = CommonOptions.Threads();
        var runtime = CommonOptions.EncoderRuntime();
        var format = CommonOptions.DataFormat();
        var images = CommonOptions.ImagesFolder();
        var encoderWeights = new Option<string?>("--encoder-weights") { Description = "pretrained encoder file from `spotlight weights import` (MobileNet v1 or ResNet); default: a small CNN trained from scratch" };
        var vit = new Option<bool>("--vit") { Description = "a Vision Transformer encoder trained from scratch (patches of an eighth of the image, width 96, depth 4) instead of the small CNN" };
        var imageSize = new Option<int?>("--image-size") { Description = "input side in pixels (default 224 with a pretrained encoder, 64 for the small CNN)" };
        var fineTune = new Option<int>("--fine-tune-blocks") { Description = "fine-tune the pretrained encoder's last N blocks (0 = frozen)", DefaultValueFactory = _ => 0 };
        var encoderLr = new Option<double>("--encoder-lr-factor") { Description = "fine-tuned blocks learn at this fraction of --lr", DefaultValueFactory = _ => 0.1 };
        var cache = new Option<string?>("--cache-features") { Description = "folder to cache a frozen encoder's region features in (computed once, reused)" };
        var validationImages = new Option<int>("--validation-images") { Description = "caption at most this many validation images per epoch (0 = all)", DefaultValueFactory = _ => 0 };
        var minCount = new Option<int>("--min-word-count") { Description = "rarer training words become <unk>", DefaultValueFactory = _ => 1 };
        var sampling = new Option<string>("--sampling") { Description = "one (caption per image per epoch) | every (caption)", DefaultValueFactory = _ => "one" };
        sampling.AcceptOnlyFromAmong("one", "every");
        var embed = new Option<int?>("--embed-dim") { Description = "word embedding size (default: 64, or the --init-embeddings file's)" };
        var initEmbeddings = new Option<string?>("--init-embeddings") { Description = "start the word embeddings from vectors in the GloVe/word2vec text format; missing words keep their random start" };
        var hidden = new Option<int?>("--decoder-dim") { Description = "LSTM/GRU size" };
        var attentionDim = new Option<int?>("--attention-dim") { Description = "additive attention size" };
        var dropout = new Option<float?>("--dropout") { Description = $"dropout before the word classifier (Transformer: in every layer, default {transformerDefaults.Dropout})" };
        // --init once took only mean|learned (now --init-state); those two words keep that meaning, anything else is a model file.
        var init = new Option<string?>("--init") { Description = "start from this captioner file (vocabulary, architecture and weights; the architecture options are then not used)" };
        var scst = new Option<bool>("--scst") { Description = "self-critical sequence training (CIDEr-D reward) from the --init model; learning rate 5e-5 unless --lr is given" };
        var scstSamples = new Option<int>("--scst-samples") { Description = "captions sampled per image and step", DefaultValueFactory = _ => new SelfCriticalOptions().Samples };
        var scstBaseline = new Option<string>("--scst-baseline") { Description = "mean (of the image's other samples) | greedy (the greedy caption's reward)", DefaultValueFactory = _ => "mean" };
        scstBaseline.AcceptOnlyFromAmong("mean", "greedy");
        var maxLength = new Option<int?>("--max-length") { Description = "tokens per caption incl. <start>/<end>; longer captions are cut" };

        var command = new Command("train", "Train an image captioner with visual attention (Show, Attend and Tell, or a Transformer).")
        {
            data, epochs, warmup, attention, decoder, optimizer, lambda, initState, threads,
            format, images, encoderWeights, vit, imageSize, fineTune, encoderLr, cache, validationImages, minCount, sampling,
            embed, hidden, attentionDim, dropout, maxLength, runtime, initEmbeddings,
            schedule, labelSmoothing, layers, encoderLayers, modelDim, heads, feedForward, positions, noTie,
            init, scst, scstSamples, scstBaseline,
        };
        run.AddTo(command);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var settings = run.Read(parse);
            // Checked before the data loads: a dimension mismatch is known from the vectors file's first line.
            int? embedDim = parse.GetValue(embed);
            string? vectors = parse.GetValue(initEmbeddings);
            if (vectors is not null)
            {
                int fileDim = Spotlight.Lab.PretrainedVectors.PeekDimension(vectors);
                if (ParseDecoder(parse.GetValue(decoder)!) == DecoderCellKind.Transformer)
                {
                    // The Transformer's word embedding is d wide (tied to the output layer by default).
                    if (parse.GetValue(modelDim) != fileDim)
                        throw new SpotlightException($"--init-embeddings {vectors} has {fileDim}-dimensional vectors but --model-dim is {parse.GetValue(modelDim)}; they must be equal");
                }
                else if (embedDim is int asked && asked != fileDim)
                    throw new SpotlightException($"--init-embeddings {vectors} has {fileDim}-dimensional vectors but --embed-dim is {asked}; they must be equal");
                embedDim = fileDim;
            }
            string? initValue = parse.GetValue(init);
            string? legacyState = initValue is "mean" or "learned" ? initValue : null;
            var dataset = CaptionDataset.Load(parse.GetValue(data)!, parse.GetValue(images), parse.GetValue(format));
            foreach (var warning in dataset.Warnings) CommonOptions.Notice(warning);
            var defaults = new CaptionerConfig(VocabSize: 5);
            var cell = ParseDecoder(parse.GetValue(decoder)!);
            bool transformer = cell == DecoderCellKind.Transformer;
            var config = defaults with
            {
                Attention = ParseAttention(parse.GetValue(attention)!),
                Cell = cell,
                Heads = parse.GetValue(heads) ?? defaults.Heads,
                DoublyStochasticLambda = parse.GetValue(lambda) ?? (transformer ? 0f : defaults.DoublyStochasticLambda),
                InitFromMeanRegion = (legacyState ?? parse.GetValue(initState)) == "mean",
                EmbedDim = embedDim ?? defaults.EmbedDim,
                DecoderDim = parse.GetValue(hidden) ?? defaults.DecoderDim,
                AttentionDim = parse.GetValue(attentionDim) ?? defaults.AttentionDim,
                Dropout = parse.GetValue(dropout) ?? defaults.Dropout,
                MaxLength = parse.GetValue(maxLength) ?? defaults.MaxLength,
                Transformer = transformer ? transformerDefaults with
                {
                    ModelDim = parse.GetValue(modelDim), Heads = parse.GetValue(heads) ?? transformerDefaults.Heads,
                    FeedForwardDim = parse.GetValue(feedForward), Layers = parse.GetValue(layers), EncoderLayers = parse.GetValue(encoderLayers),
                    Positions = parse.GetValue(positions) == "learned" ? PositionKind.Learned : PositionKind.Sinusoidal,
                    TieEmbeddings = !parse.GetValue(noTie), Dropout = parse.GetValue(dropout) ?? transformerDefaults.Dropout,
                } : null,
            };
            if (transformer) config = config with { Dropout = defaults.Dropout };   // --dropout went to the Transformer's layers
            string? weights = parse.GetValue(encoderWeights);
            if (weights is not null)
            {
                if (parse.GetValue(vit)) throw new SpotlightException("--vit trains a ViT from scratch; a pretrained ViT comes with --encoder-weights (from `spotlight weights import vit.safetensors`)");
                var description = EncoderWeights.Describe(weights);
                config = config with
                {
                    Pretrained = new PretrainedEncoderConfig(description.Arch, description.Alpha, parse.GetValue(imageSize) ?? 224, parse.GetValue(fineTune)),
                };
            }
            else
            {
                if (parse.GetValue(fineTune) != 0) throw new SpotlightException("--fine-tune-blocks needs a pretrained encoder (--encoder-weights)");
                if (parse.GetValue(imageSize) is int size) config = config with { Encoder = config.EncoderConfig with { ImageSize = size } };
                if (parse.GetValue(vit)) config = config with { Encoder = null, Vit = CaptionerConfig.ScratchVit(config.EncoderConfig.ImageSize) };
            }
            bool selfCritical = parse.GetValue(scst);
            string? start = initValue is "mean" or "learned" ? null : initValue;
            if (start is not null)
            {
                // The file's architecture rules; say so rather than let an architecture option look obeyed.
                transformer = CaptionModel.InspectConfig(start).Cell == DecoderCellKind.Transformer;
                CommonOptions.Notice($"{start}: vocabulary, architecture and weights come from this file");
            }
            var options = new CaptionTrainingOptions
            {
                Epochs = parse.GetValue(epochs), BatchSize = settings.BatchSize!.Value,
                LearningRate = selfCritical && !run.LearningRateGiven(parse) ? CaptionTrainingOptions.SelfCriticalLearningRate : settings.LearningRate,
                WarmupSteps = parse.GetValue(warmup) ?? (transformer && !selfCritical ? CaptionTrainingOptions.TransformerWarmupSteps : 0),
                Schedule = ParseSchedule(parse.GetValue(schedule)),
                LabelSmoothing = parse.GetValue(labelSmoothing) ?? (transformer ? CaptionTrainingOptions.TransformerLabelSmoothing : 0),
                Optimizer = parse.GetValue(optimizer) == "rmsprop" ? OptimizerKind.RmsProp : OptimizerKind.Adam,
                Seed = settings.Seed,
                ScoringTokenizer = PtbTokenizer.Instance,
                TimeBudget = settings.TimeBudget,
                EncoderWeights = weights,
                FeatureCache = parse.GetValue(cache),
                EncoderRuntime = CommonOptions.ParseEncoderRuntime(parse.GetValue(runtime)!),
                EncoderLearningRateFactor = parse.GetValue(encoderLr),
                ValidationImages = parse.GetValue(validationImages),
                MinWordCount = parse.GetValue(minCount),
                Sampling = parse.GetValue(sampling) == "every" ? CaptionSampling.EveryCaption : CaptionSampling.OneCaptionPerImage,
                InitEmbeddings = vectors,
                InitModel = start,
                SelfCritical = selfCritical ? new SelfCriticalOptions(parse.GetValue(scstSamples),
                    parse.GetValue(scstBaseline) == "greedy" ? SelfCriticalBaseline.Greedy : SelfCriticalBaseline.MeanOfOthers) : null,
            };
            var result = TrainAndReport(dataset, config, options, settings.ModelPath, settings.Resume);
            AnsiConsole.MarkupLine($"best model: [bold]{Markup.Escape(result.BestModelPath)}[/] (CIDEr-D {result.BestScore:F3}); {Markup.Escape(result.StopReason)}");
            return 0;
        }));
        return command;
    }

    public static DecoderCellKind ParseDecoder(string text) => text switch
    {
        "gru" => DecoderCellKind.Gru,
        "transformer" => DecoderCellKind.Transformer,
        _ => DecoderCellKind.Lstm,
    };

    private static ScheduleKind? ParseSchedule(string? text) => text switch
    {
        null => null,
        "inverse-sqrt" => ScheduleKind.InverseSqrt,
        "constant" => ScheduleKind.Constant,
        _ => ScheduleKind.Plateau,
    };

    public static AttentionKind ParseAttention(string text) => text switch
    {
        "scaled-dot" => AttentionKind.ScaledDot,
        "multi-head" => AttentionKind.MultiHead,
        _ => AttentionKind.Additive,
    };

    /// <summary>Training with a progress bar; the library writes the JSONL log and the curves PNG.</summary>
    public static CaptionTrainingResult TrainAndReport(CaptionDataset dataset, CaptionerConfig config, CaptionTrainingOptions options, string modelPath, string? resume) =>
        TrainingProgress.Run<StepReport, ValidationReport, CaptionTrainingResult>(options.Epochs,
            display => CaptionTrainer.TrainWithLog(dataset, config, options, modelPath, resume, display));
}
