using Spotlight.Text;
using Spotlight.Vision;
using Spotlight.Vqa.Data;
using static TorchSharp.torch;

namespace Spotlight.Vqa;

/// <summary>
/// A split ready for the network: every image decoded and preprocessed once into one tensor, and every question as
/// word ids with its answer id (−1 when the answer is not among the model's answers) and its image's row. Batches
/// are made of images with all their questions, so an image goes through the CNN once per batch, not once per question.
/// </summary>
public sealed class VqaExamples : IDisposable
{
    private VqaExamples(Tensor images, bool holdsRegions, IReadOnlyList<VqaQuestion> questions, int[] imageOf, int[][] tokens, long[] answerIds, int[][] questionsOfImage)
    {
        Images = images;
        HoldsRegions = holdsRegions;
        Questions = questions;
        ImageOf = imageOf;
        Tokens = tokens;
        AnswerIds = answerIds;
        QuestionsOfImage = questionsOfImage;
    }

    /// <summary>(images, 3, H, W), preprocessed; or, when <see cref="HoldsRegions"/>, their region features (images, regions, feature).</summary>
    public Tensor Images { get; }

    /// <summary>The images were encoded once when loaded (a frozen encoder): batches carry regions, not pixels.</summary>
    public bool HoldsRegions { get; }
    public IReadOnlyList<VqaQuestion> Questions { get; }
    public int[] ImageOf { get; }
    public int[][] Tokens { get; }
    public long[] AnswerIds { get; }
    public int[][] QuestionsOfImage { get; }
    public int ImageCount => QuestionsOfImage.Length;

    /// <summary>The questions of <paramref name="split"/> (the first <paramref name="maxQuestions"/> when given) with their images.</summary>
    /// <param name="regionsOf">with a frozen encoder: the region features of image files, in their order (e.g. from the
    /// feature cache); the examples then hold those instead of pixels</param>
    public static VqaExamples Load(VqaDataset data, string split, Vocabulary vocabulary, IReadOnlyDictionary<string, int> answerIds,
        ImagePreprocessing preprocessing, int? maxQuestions = null, Func<IReadOnlyList<string>, Tensor>? regionsOf = null)
    {
        IReadOnlyList<VqaQuestion> questions = data.Split(split);
        if (maxQuestions is int max && questions.Count > max) questions = [.. questions.Take(max)];
        if (questions.Count == 0)
            throw new SpotlightException($"{data.Directory}: the {split} split has no questions (splits here: {string.Join(", ", data.Questions.Select(q => q.Split).Distinct())})");
        var imageIds = questions.Select(q => q.ImageId).Distinct().ToList();
        var row = imageIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        var images = regionsOf is not null ? regionsOf([.. imageIds.Select(data.ImagePath)]) : Pixels(data, imageIds, preprocessing);
        var imageOf = questions.Select(q => row[q.ImageId]).ToArray();
        var tokens = questions.Select(q => vocabulary.Encode(CaptionTokenizer.Tokenize(q.Question))).ToArray();
        var answers = questions.Select(q => answerIds.TryGetValue(q.Answer, out var a) ? (long)a : -1L).ToArray();
        var ofImage = new List<int>[imageIds.Count];
        for (int i = 0; i < ofImage.Length; i++) ofImage[i] = [];
        for (int q = 0; q < questions.Count; q++) ofImage[imageOf[q]].Add(q);
        return new VqaExamples(images, regionsOf is not null, questions, imageOf, tokens, answers, [.. ofImage.Select(l => l.ToArray())]);
    }

    private static Tensor Pixels(VqaDataset data, IReadOnlyList<string> imageIds, ImagePreprocessing preprocessing)
    {
        long count = (long)imageIds.Count * 3 * preprocessing.Size * preprocessing.Size;
        if (count > Array.MaxLength)
            throw new SpotlightException($"{data.Directory}: {imageIds.Count} images of {preprocessing.Size}×{preprocessing.Size} pixels are too many to hold at once (use a frozen pretrained encoder, whose regions are held instead, or fewer questions)");
        var pixels = new float[count];
        int stride = 3 * preprocessing.Size * preprocessing.Size;
        var images = ImagePipeline.LoadAndCropAll([.. imageIds.Select(data.ImagePath)], preprocessing);
        for (int i = 0; i < images.Length; i++)
            ImagePipeline.Normalize(images[i], preprocessing, pixels.AsSpan(i * stride, stride));   // i * stride < Array.MaxLength
        return tensor(pixels, [imageIds.Count, 3, preprocessing.Size, preprocessing.Size]);
    }

    /// <summary>The tensors of a batch of images with all their questions: images, which image each question is about, word ids, answer ids.</summary>
    public (Tensor Images, Tensor ImageIndex, Tensor Tokens, Tensor Answers, int[] Questions) Batch(IReadOnlyList<int> imageRows)
    {
        var questions = imageRows.SelectMany(r => QuestionsOfImage[r]).ToArray();
        var local = new long[questions.Length];
        int k = 0;
        for (int i = 0; i < imageRows.Count; i++)
            foreach (var _ in QuestionsOfImage[imageRows[i]]) local[k++] = i;
        var images = Images.index_select(0, tensor(imageRows.Select(r => (long)r).ToArray()));
        return (images, tensor(local), VqaModel.PadQuestions([.. questions.Select(q => Tokens[q])]),
            tensor(questions.Select(q => AnswerIds[q]).ToArray()), questions);
    }

    public void Dispose() => Images.Dispose();
}
