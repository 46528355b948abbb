using Spotlight.Checkpoints;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spotlight.Decoding;
using Spotlight.Runtime;
using Spotlight.Training;
using Spotlight.Translation;
using Spotlight.Transformer;

namespace Spotlight.Cli.Commands;

/// <summary>
/// <c>spotlight translate MODEL [TEXT...]</c> and its subcommands <c>train</c>, <c>eval</c>, <c>synth</c>. Parsing and
/// printing only; everything else is Spotlight.Translation (docs/translation.md).
/// </summary>
public static class TranslateCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("MODEL") { Description = "a .spotlight translator", Arity = ArgumentArity.ZeroOrOne };
        var text = new Argument<string[]>("TEXT") { Description = "sentences to translate (else --input, else standard input)", Arity = ArgumentArity.ZeroOrMore };
        var input = new Option<string?>("--input") { Description = "file with one sentence per line (plain or .gz)" };
        var json = new Option<bool>("--json") { Description = "one JSON object per sentence: n-best texts, subwords, scores, attention" };
        var alignments = new Option<string?>("--alignment-out") { Description = "write a PNG heatmap per sentence and index.html here" };
        var decoding = DecodingOptions.Create();
        var command = new Command("translate", "Translate text with a trained model; subcommands train, evaluate and make synthetic data.")
        {
            model, text, input, json, alignments,
        };
        decoding.AddTo(command);
        command.Subcommands.Add(CreateTrain());
        command.Subcommands.Add(CreateEval());
        command.Subcommands.Add(CreateSynth());
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var path = parse.GetValue(model) ?? throw new SpotlightException("give a MODEL to translate with, or a subcommand (train, eval, synth)");
            decoding.Apply(parse);
            using var translator = Translator.Load(path, decoding.Device(parse));
            var sentences = parse.GetValue(text) is { Length: > 0 } given ? given.ToList()
                : parse.GetValue(input) is string file ? ReadLines(file)
                : ReadStdin();
            var results = translator.Translate(sentences, decoding.Options(parse));
            foreach (var r in results)
            {
                if (!parse.GetValue(json)) { foreach (var h in r.Hypotheses) Console.WriteLine(h.Text); continue; }
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    source = r.Source, source_pieces = r.SourcePieces,
                    hypotheses = r.Hypotheses.Select(h => new
                    {
                        text = h.Text, pieces = h.Pieces, log_prob = h.LogProb, score = h.Score, finished = h.Finished, attention = h.Attention,
                    }),
                }));
            }
            if (parse.GetValue(alignments) is string dir) Console.Error.WriteLine($"alignment maps: {AlignmentMaps.Write(dir, results)}");
            return 0;
        }));
        return command;
    }

    private static Command CreateTrain()
    {
        var src = new Option<string?>("--src") { Description = "source side, one sentence per line (plain or .gz)" };
        var tgt = new Option<string?>("--tgt") { Description = "target side, line-aligned with --src" };
        var tsv = new Option<string?>("--tsv") { Description = "instead: a TSV file with source and target columns (Tatoeba eng-fra.txt)" };
        var columns = new Option<string>("--tsv-columns") { Description = "0-based source,target columns of --tsv", DefaultValueFactory = _ => "0,1" };
        var multi30k = new Option<string?>("--multi30k") { Description = "instead: a Multi30k folder (train.* and val.* files, .gz or not)" };
        var pair = new Option<string>("--pair") { Description = "languages for --multi30k, SRC-TGT", DefaultValueFactory = _ => "de-en" };
        var validSrc = new Option<string?>("--valid-src");
        var validTgt = new Option<string?>("--valid-tgt");
        var run = new TrainingOptions("model file (best validation BLEU); .last, .avg, .checkpoint, .log.jsonl, .curves.png go beside it",
            learningRate: 1e-3, batchSize: null);
        var arch = new Option<string>("--arch") { Description = "rnnsearch | luong | transformer | noattn", DefaultValueFactory = _ => "rnnsearch" };
        arch.AcceptOnlyFromAmong("rnnsearch", "luong", "transformer", "noattn");
        var cell = new Option<string>("--cell") { Description = "gru | lstm (RNN models)", DefaultValueFactory = _ => "gru" };
        cell.AcceptOnlyFromAmong("gru", "lstm");
        var score = new Option<string>("--score") { Description = "Luong score: dot | general | concat", DefaultValueFactory = _ => "general" };
        score.AcceptOnlyFromAmong("dot", "general", "concat");
        var merges = new Option<int>("--bpe-merges") { Description = "BPE merges (0 = characters)", DefaultValueFactory = _ => 8000 };
        var separate = new Option<bool>("--separate-bpe") { Description = "learn one BPE per side instead of a joint one" };
        var maxLength = new Option<int>("--max-length") { Description = "drop training pairs longer than this many subwords", DefaultValueFactory = _ => 100 };
        var dims = new Option<string?>("--size") { Description = "tiny | small | base: model sizes (docs/translation.md)", DefaultValueFactory = _ => "base" };
        var dropout = new Option<double?>("--dropout");
        var positions = new Option<string>("--positions") { Description = "sinusoidal | learned (Transformer)", DefaultValueFactory = _ => "sinusoidal" };
        positions.AcceptOnlyFromAmong("sinusoidal", "learned");
        var noTie = new Option<bool>("--no-tie") { Description = "Transformer: separate output projection instead of the tied target embedding" };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 20 };
        var maxTokens = new Option<int>("--max-tokens") { DefaultValueFactory = _ => 4096 };
        var maxSentences = new Option<int>("--max-sentences") { DefaultValueFactory = _ => 128 };
        var schedule = new Option<string>("--schedule") { Description = "inverse-sqrt | plateau | constant", DefaultValueFactory = _ => "inverse-sqrt" };
        schedule.AcceptOnlyFromAmong("inverse-sqrt", "plateau", "constant");
        var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => 1000 };
        var smoothing = new Option<double>("--label-smoothing") { DefaultValueFactory = _ => 0.1 };
        var clip = new Option<double>("--clip") { DefaultValueFactory = _ => 1.0 };
        var average = new Option<int>("--average-last") { Description = "average the models of the last N epochs into .avg.spotlight", DefaultValueFactory = _ => 0 };
        var validBeam = new Option<int>("--valid-beam") { DefaultValueFactory = _ => 1 };
        var validSentences = new Option<int>("--valid-sentences") { Description = "0 = all", DefaultValueFactory = _ => 0 };
        var patience = new Option<int>("--patience") { Description = "early stop after this many validations without a better BLEU (0 = never)", DefaultValueFactory = _ => 0 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { DefaultValueFactory = _ => 0 };
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("train", "Train a translator (RNNsearch, Luong, Transformer or the no-attention baseline).")
        {
            src, tgt, tsv, columns, multi30k, pair, validSrc, validTgt, arch, cell, score, merges, separate, maxLength, dims,
            dropout, positions, noTie, epochs, maxTokens, maxSentences, schedule, warmup, smoothing, clip, average,
            validBeam, validSentences, patience, checkpointEvery, threads, device,
        };
        run.AddTo(command);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var settings = run.Read(parse);
            var (train, valid) = new TranslationDataSource(parse.GetValue(src), parse.GetValue(tgt), parse.GetValue(tsv), parse.GetValue(columns)!,
                parse.GetValue(multi30k), parse.GetValue(pair)!, parse.GetValue(validSrc), parse.GetValue(validTgt)).Load();
            Report(train);
            var subwords = Subwords.Learn(train.Pairs, parse.GetValue(merges), joint: !parse.GetValue(separate));
            var corpus = SubwordCorpus.Encode(train, subwords, parse.GetValue(maxLength));
            Console.Error.WriteLine($"{corpus.Pairs.Count} training pairs, {corpus.Dropped.Count} over-long dropped; " +
                $"subwords: {subwords.Source.Count} source, {subwords.Target.Count} target ({(subwords.Joint ? "joint" : "separate")})");
            foreach (var issue in corpus.Dropped.Take(3)) Console.Error.WriteLine($"  {issue}");
            var kind = parse.GetValue(arch) switch { "luong" => TranslatorArch.Luong, "transformer" => TranslatorArch.Transformer, "noattn" => TranslatorArch.NoAttention, _ => TranslatorArch.RnnSearch };
            var config = TranslatorConfig.Preset(parse.GetValue(dims)!, kind) with
            {
                Cell = parse.GetValue(cell) == "lstm" ? RnnCellKind.Lstm : RnnCellKind.Gru,
                Score = Enum.Parse<LuongScore>(parse.GetValue(score)!, ignoreCase: true),
                Positions = parse.GetValue(positions) == "learned" ? PositionKind.Learned : PositionKind.Sinusoidal,
                TieEmbeddings = !parse.GetValue(noTie),
            };
            if (parse.GetValue(dropout) is double d) config = config with { Dropout = d };
            var options = new TranslationTrainingOptions
            {
                Epochs = parse.GetValue(epochs), MaxTokens = parse.GetValue(maxTokens), MaxSentences = parse.GetValue(maxSentences),
                LearningRate = settings.LearningRate, WarmupSteps = parse.GetValue(warmup), LabelSmoothing = parse.GetValue(smoothing),
                Schedule = parse.GetValue(schedule) switch { "plateau" => ScheduleKind.Plateau, "constant" => ScheduleKind.Constant, _ => ScheduleKind.InverseSqrt },
                GradientClipNorm = parse.GetValue(clip), Seed = settings.Seed, AverageLast = parse.GetValue(average),
                ValidationBeam = parse.GetValue(validBeam), ValidationSentences = parse.GetValue(validSentences),
                EarlyStopPatience = parse.GetValue(patience), CheckpointEvery = parse.GetValue(checkpointEvery),
                TimeBudget = settings.TimeBudget,
                Device = ComputeDevice.Resolve(ComputeDevice.Parse(parse.GetValue(device)!), CommonOptions.Notice),
            };
            var result = TrainingProgress.Run<TranslationStepReport, TranslationValidationReport, TranslationTrainingResult>(options.Epochs, display =>
                TrainingRun.WithLog(settings.ModelPath, settings.Resume is not null,
                    observer => new TranslationTrainer(subwords, config, options, observer).Train(corpus, valid?.Pairs, settings.ModelPath, settings.Resume),
                    TranslationCurves.Write, display));
            Console.WriteLine($"best model: {result.BestModelPath} (validation BLEU {F(result.BestBleu)}); {result.Steps} steps in " +
                $"{result.Elapsed.TotalMinutes:F1} min; {result.StopReason}{(result.AveragedModelPath is string a ? $"; averaged: {a}" : "")}");
            return 0;
        }));
        return command;
    }

    private static Command CreateEval()
    {
        var model = new Argument<string>("MODEL") { Description = "a .spotlight translator" };
        var src = new Option<string>("--src") { Description = "source sentences (plain or .gz)", Required = true };
        var reference = new Option<string>("--ref") { Description = "one reference per line, line-aligned with --src", Required = true };
        var json = new Option<bool>("--json") { Description = "print the scores as JSON" };
        var hypotheses = new Option<string?>("--output") { Description = "also write the translations here, one per line" };
        var decoding = DecodingOptions.Create();
        var command = new Command("eval", "Translate a test set and score it: sacreBLEU (13a, cased), chrF2, lower-cased tokenized BLEU.")
        {
            model, src, reference, json, hypotheses,
        };
        decoding.AddTo(command);
        command.SetAction(parse => CliRunner.Run(() =>
        {
            decoding.Apply(parse);
            var corpus = ParallelCorpus.FromFiles(parse.GetValue(src)!, parse.GetValue(reference)!);
            if (corpus.Issues.Count > 0) throw new SpotlightException($"cannot score a test set with unreadable or empty lines: {corpus.Issues[0]}");
            using var translator = Translator.Load(parse.GetValue(model)!, decoding.Device(parse));
            var options = decoding.Options(parse);
            var (scores, translations) = TranslationEvaluation.Evaluate(translator, corpus.Pairs.Select(p => p.Source).ToList(),
                corpus.Pairs.Select(p => p.Target).ToList(), options);
            if (parse.GetValue(hypotheses) is string outPath) IO.AtomicFile.WriteAllText(outPath, string.Concat(translations.Select(t => t.Best.Text + "\n")));
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    bleu = scores.Bleu.Score, bleu_signature = scores.Bleu.Signature, chrf = scores.ChrF.Score, chrf_signature = scores.ChrF.Signature,
                    bleu_lowercase_tokenized = scores.LowercaseTokenizedBleu.Score, sentences = scores.Sentences,
                    sentences_per_second = scores.SentencesPerSecond, beam = options.Beam,
                }));
                return 0;
            }
            Console.WriteLine(scores.Bleu.Format());
            Console.WriteLine(scores.ChrF.Format());
            Console.WriteLine($"lower-cased tokenized BLEU (tutorial style, not sacreBLEU): {F(scores.LowercaseTokenizedBleu.Score)}");
            Console.WriteLine($"{scores.Sentences} sentences, beam {options.Beam}, {scores.SentencesPerSecond:F1} sentences/s");
            return 0;
        }));
        return command;
    }

    private static Command CreateSynth()
    {
        var task = new Option<string>("--task") { Description = "copy | reverse | sort", Required = true };
        task.AcceptOnlyFromAmong("copy", "reverse", "sort");
        var output = new Option<string>("--out") { Description = "folder for train/valid/test .src and .tgt files", Required = true };
        var count = new Option<int>("--count") { Description = "training pairs (valid and test get a tenth each)", DefaultValueFactory = _ => 5000 };
        var minLength = new Option<int>("--min-length") { DefaultValueFactory = _ => 3 };
        var maxLength = new Option<int>("--max-length") { DefaultValueFactory = _ => 10 };
        var symbols = new Option<int>("--symbols") { DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var command = new Command("synth", "Write a synthetic copy / reverse / sort task as line-aligned files.") { task, output, count, minLength, maxLength, symbols, seed };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var kind = Enum.Parse<SyntheticTaskKind>(parse.GetValue(task)!, ignoreCase: true);
            var synthetic = new SyntheticTask(kind, parse.GetValue(minLength), parse.GetValue(maxLength), parse.GetValue(symbols));
            var dir = parse.GetValue(output)!;
            int n = parse.GetValue(count), s = parse.GetValue(seed);
            foreach (var (split, size, offset) in new[] { ("train", n, 0), ("valid", Math.Max(1, n / 10), 1), ("test", Math.Max(1, n / 10), 2) })
                SyntheticTask.Write(synthetic.Generate(size, s * 3 + offset), Path.Combine(dir, split + ".src"), Path.Combine(dir, split + ".tgt"));
            Console.WriteLine($"wrote {kind.ToString().ToLowerInvariant()} task to {dir}: train/valid/test .src/.tgt");
            return 0;
        }));
        return command;
    }

    private static void Report(ParallelCorpus corpus)
    {
        if (corpus.Issues.Count == 0) return;
        Console.Error.WriteLine($"{corpus.Description}: skipped {corpus.Issues.Count} line(s):");
        foreach (var line in corpus.IssueSummary(5).Split('\n')) Console.Error.WriteLine($"  {line}");
    }

    private static List<string> ReadLines(string path)
    {
        var lines = TextLines.Read(path);
        if (lines.FirstOrDefault(l => l.Problem is not null) is { Problem: not null } bad) throw new SpotlightException($"{path}:{bad.Number}: {bad.Problem}");
        return lines.Select(l => l.Text!).ToList();
    }

    private static List<string> ReadStdin()
    {
        var lines = new List<string>();
        while (Console.In.ReadLine() is string line) lines.Add(line);
        return lines;
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>The decoding flags shared by translate and eval.</summary>
    private sealed record DecodingOptions(Option<int> Beam, Option<int> NBest, Option<string> Penalty, Option<double> Alpha,
        Option<double> Coverage, Option<int> NoRepeat, Option<double> Factor, Option<int> Batch, Option<int> Threads, Option<string> DeviceOption)
    {
        public static DecodingOptions Create()
        {
            var penalty = new Option<string>("--length-penalty") { Description = "none | avg (len^α) | gnmt (((5+len)/6)^α)", DefaultValueFactory = _ => "gnmt" };
            penalty.AcceptOnlyFromAmong("none", "avg", "gnmt");
            return new(new Option<int>("--beam") { Description = "beam width (1 = greedy)", DefaultValueFactory = _ => 5 },
                new Option<int>("--nbest") { Description = "hypotheses per sentence (≤ beam)", DefaultValueFactory = _ => 1 },
                penalty, new Option<double>("--alpha") { DefaultValueFactory = _ => 0.6 },
                new Option<double>("--coverage") { Description = "GNMT coverage penalty β (0 = off)", DefaultValueFactory = _ => 0.0 },
                new Option<int>("--no-repeat-ngram") { DefaultValueFactory = _ => 0 },
                new Option<double>("--max-length-factor") { Description = "at most factor × source subwords + 10", DefaultValueFactory = _ => 1.5 },
                new Option<int>("--batch-size") { Description = "sentences decoded together", DefaultValueFactory = _ => 32 },
                CommonOptions.Threads(), CommonOptions.Device());
        }

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Beam, NBest, Penalty, Alpha, Coverage, NoRepeat, Factor, Batch, Threads, DeviceOption }) command.Options.Add(option);
        }

        public void Apply(ParseResult parse) => CommonOptions.ApplyThreads(parse.GetValue(Threads));

        public TorchSharp.torch.Device Device(ParseResult parse) => ComputeDevice.Resolve(ComputeDevice.Parse(parse.GetValue(DeviceOption)!), CommonOptions.Notice);

        public TranslateOptions Options(ParseResult parse) => new(Beam: parse.GetValue(Beam), NBest: parse.GetValue(NBest),
            LengthPenalty: parse.GetValue(Penalty) switch { "none" => LengthPenaltyKind.None, "avg" => LengthPenaltyKind.Average, _ => LengthPenaltyKind.Gnmt },
            LengthAlpha: parse.GetValue(Alpha), CoverageBeta: parse.GetValue(Coverage), NoRepeatNgram: parse.GetValue(NoRepeat),
            MaxLengthFactor: parse.GetValue(Factor), BatchSize: parse.GetValue(Batch));
    }
}
