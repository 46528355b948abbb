using System.Text.Json;
using System.Text.Json.Serialization;
using Spotlight.Checkpoints;
using Spotlight.Text;
using Spotlight.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Vqa;

/// <summary>One answer with its probability.</summary>
public readonly record struct ScoredAnswer(string Answer, float Probability);

/// <summary>What the model says about one question: the answer, the top answers and each hop's map over the region grid.</summary>
public sealed record VqaAnswer(string Answer, float Probability, IReadOnlyList<ScoredAnswer> Top, IReadOnlyList<float[]> HopMaps, int GridSize);

/// <summary>
/// What one <c>.spotlight</c> VQA file holds (kind "vqa", through <see cref="TaskModelFile{TConfig}"/>): the network and
/// its config, the question vocabulary, the answer list and the image preprocessing. Questions are read here, so the
/// command line, the trainer and a library user reject the same bad questions with the same message.
/// </summary>
public sealed class VqaModel : IDisposable
{
    public const string Kind = "vqa";
    public const int MaxQuestionCharacters = 300;

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static readonly TaskModelFile<VqaConfig> File = new(Kind, Json);

    public VqaModel(VqaNetwork network, Vocabulary questionVocabulary, IReadOnlyList<string> answers, string? summaryJson = null)
    {
        if (answers.Count != network.Config.AnswerCount)
            throw new ArgumentException($"{answers.Count} answers for a network with {network.Config.AnswerCount} outputs", nameof(answers));
        Network = network;
        QuestionVocabulary = questionVocabulary;
        Answers = answers;
        SummaryJson = summaryJson;
        AnswerIds = answers.Select((a, i) => (a, i)).ToDictionary(x => x.a, x => x.i, StringComparer.Ordinal);
    }

    public VqaNetwork Network { get; }
    public VqaConfig Config => Network.Config;
    public Vocabulary QuestionVocabulary { get; }
    public IReadOnlyList<string> Answers { get; }
    public IReadOnlyDictionary<string, int> AnswerIds { get; }
    public string? SummaryJson { get; set; }
    public ImagePreprocessing Preprocessing => Config.Pretrained?.Preprocessing ?? new(Config.ImageSize);

    public void Save(string path) => File.Save(path, Network, Config, SummaryJson, new Dictionary<string, string>
    {
        ["question_vocabulary"] = QuestionVocabulary.ToJson(),
        ["answers"] = JsonSerializer.Serialize(Answers, Json),
    });

    public static VqaModel Load(string path) => File.Load(path, contents =>
    {
        var vocabulary = Vocabulary.FromJson(contents.File.Blobs.TryGetValue("question_vocabulary", out var v) ? v
            : throw new SpotlightException($"{path}: VQA model file has no question vocabulary"));
        var answers = contents.Read<List<string>>("answers");
        var network = contents.Network(config => new VqaNetwork(config));
        return new VqaModel(network, vocabulary, answers, contents.Summary);
    });

    /// <summary>The question's word ids; a question the model cannot read is a one-line SpotlightException.</summary>
    public int[] EncodeQuestion(string? question)
    {
        if (string.IsNullOrWhiteSpace(question)) throw new SpotlightException("the question is empty");
        if (question.Length > MaxQuestionCharacters)
            throw new SpotlightException($"the question has {question.Length} characters; at most {MaxQuestionCharacters} are read");
        var words = CaptionTokenizer.Tokenize(question);
        if (words.Count == 0) throw new SpotlightException("the question has no words");
        if (words.Count > Config.MaxQuestionWords)
            throw new SpotlightException($"the question has {words.Count} words; this model reads at most {Config.MaxQuestionWords}");
        var ids = QuestionVocabulary.Encode(words);
        if (ids.All(id => id == Vocabulary.Unknown))
            throw new SpotlightException($"none of the question's words is known to the model (it knows {QuestionVocabulary.Count - Vocabulary.Specials.Count} words, e.g. {string.Join(", ", QuestionVocabulary.Tokens.Skip(Vocabulary.Specials.Count).Take(5))})");
        return ids;
    }

    /// <summary>Word ids of several questions, right-padded with 0: (batch, longest).</summary>
    public static Tensor PadQuestions(IReadOnlyList<int[]> questions)
    {
        int longest = Math.Max(1, questions.Max(q => q.Length));
        var data = new long[questions.Count * longest];
        for (int i = 0; i < questions.Count; i++)
            for (int t = 0; t < questions[i].Length; t++) data[i * longest + t] = questions[i][t];
        return tensor(data, [questions.Count, longest]);
    }

    /// <summary>Answers questions, one image row per question (images (batch, 3, H, W), preprocessed).</summary>
    public IReadOnlyList<VqaAnswer> Ask(Tensor images, IReadOnlyList<int[]> questions, int top = 5)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Network.eval();
        return AskRegions(Network.EncodeImages(images), questions, top);
    }

    /// <summary>Region features of preprocessed images (n, 3, H, W), without gradients.</summary>
    public Tensor EncodeImages(Tensor images)
    {
        using var noGrad = torch.no_grad();
        Network.eval();
        return Network.EncodeImages(images);
    }

    /// <summary>
    /// Region features (files, regions, feature) of image files, 32 at a time: with a frozen encoder, a split is held as
    /// regions (4 GB for VQA v2's 40,504 val photos on ResNet-18) where its pixels at 224 px would take 24 GB.
    /// </summary>
    public Tensor EncodeFiles(IReadOnlyList<string> paths)
    {
        var parts = new List<Tensor>();
        foreach (var chunk in paths.Chunk(32))
        {
            using var scope = torch.NewDisposeScope();
            var images = torch.stack(chunk.Select(p => ImageTensor.Load(p, Preprocessing)).ToArray());
            parts.Add(EncodeImages(images).MoveToOuterDisposeScope());
        }
        var all = torch.cat(parts, 0);
        foreach (var part in parts) part.Dispose();
        return all;
    }

    /// <summary>Answers questions from region features, one row per question ((batch, regions, feature), e.g. cached).</summary>
    public IReadOnlyList<VqaAnswer> AskRegions(Tensor features, IReadOnlyList<int[]> questions, int top = 5)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Network.eval();
        var (logits, attention) = Network.Answer(features, PadQuestions(questions));
        var probabilities = logits.softmax(1);
        int k = Math.Min(top, Answers.Count);
        var (values, indices) = probabilities.topk(k, 1);
        var p = values.data<float>().ToArray();
        var ids = indices.data<long>().ToArray();
        var maps = attention.numel() == 0 ? [] : attention.contiguous().data<float>().ToArray();   // baselines: no hops
        int hops = (int)attention.shape[1], regions = (int)attention.shape[2];
        var result = new VqaAnswer[questions.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var best = Enumerable.Range(0, k).Select(j => new ScoredAnswer(Answers[(int)ids[i * k + j]], p[i * k + j])).ToList();
            var hopMaps = Enumerable.Range(0, hops).Select(h => maps.AsSpan((i * hops + h) * regions, regions).ToArray()).ToList();
            result[i] = new VqaAnswer(best[0].Answer, best[0].Probability, best, hopMaps, Network.GridSize);
        }
        return result;
    }

    /// <summary>One question about one image file.</summary>
    public VqaAnswer Ask(string imagePath, string question, int top = 5)
    {
        var ids = EncodeQuestion(question);
        using var image = ImageTensor.Load(imagePath, Preprocessing);
        using var batch = image.unsqueeze(0);
        return Ask(batch, [ids], top)[0];
    }

    public void Dispose() => Network.Dispose();
}
