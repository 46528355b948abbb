using Spotlight.Vision.Encoders;

namespace Spotlight.Vqa;

/// <summary>
/// Which answerer: the stacked attention network, or one of its baselines in the same code path: <c>NoAttention</c>
/// (mean-pooled regions + question) and <c>Blind</c> (question only, no image at all); or the small MCAN-style
/// <c>CoAttention</c> (<see cref="Vqa.CoAttention"/>; <c>Hops</c> is then its number of layers).
/// </summary>
public enum VqaModelKind { StackedAttention, NoAttention, Blind, CoAttention }

/// <summary>Shape of a VQA network; saved inside every model file, so a model loads without the command line that made it.</summary>
public sealed record VqaConfig(
    VqaModelKind Model = VqaModelKind.StackedAttention,
    int QuestionVocabSize = 0, int AnswerCount = 0,
    int EmbedDim = 64, int HiddenDim = 128, int AttentionDim = 64,
    int Hops = 2,                  // K in Yang et al. 2016 (two was their best); co-attention: layers
    int Heads = 4,                 // co-attention only
    int ImageSize = 64, int[]? EncoderChannels = null,
    float Dropout = 0.1f,
    int MaxQuestionWords = 24,
    // Stacked attention only (see AttentionHop): each hop also sees where regions lie relative to the previous hop's
    // focus, and adds a soft count of matching regions to the query. Off in Yang et al.'s network and in files made
    // before them, so those load as they were; left out of the JSON when off, so checkpoints made before them resume.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    bool RelativePositions = false,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    bool Counting = false,
    // Stacked attention only: the classifier reads v_Q + ṽ_K, the question and the last hop's glimpse (with counting,
    // also the last hop's count term W_C n_K), instead of the refined query v_Q + Σ_k ṽ_k. The answer then comes from
    // where the last hop looked, so its map explains the answer; with the sum, a two-hop network answers from whichever
    // hop found the object (docs/vqa.md).
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    bool AnswerFromLastHop = false,
    // Set: a pretrained encoder (kept frozen) replaces the small CNN. Left out of the JSON when null, so the configs of
    // models and checkpoints made before it read exactly as they did.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    PretrainedEncoderConfig? Pretrained = null)
{
    public static VqaConfig Tiny => new(EmbedDim: 16, HiddenDim: 32, AttentionDim: 16, EncoderChannels: [8, 16, 32, 32]);

    /// <summary>
    /// What <c>vqa train</c> and <c>vqa demo</c> make: the stacked attention network with relative positions (relate
    /// 65 % → 82 % in 30 minutes) that answers from its last hop (last-hop pointing 70 % → 87 %, overall 93.8 % →
    /// 97.9 %); counting stays off, as it measured no gain (docs/vqa.md).
    /// </summary>
    public static VqaConfig Stacked => new(RelativePositions: true, AnswerFromLastHop: true);

    public SmallCnnConfig Encoder => new(ImageSize, EncoderChannels);

    /// <summary>Attention hops the model makes: none for the baselines.</summary>
    public int AttentionHops => Model switch { VqaModelKind.StackedAttention => Hops, VqaModelKind.CoAttention => 1, _ => 0 };

    public void Validate()
    {
        if (QuestionVocabSize < 5) throw new SpotlightException($"the question vocabulary needs at least one word beside the specials, got {QuestionVocabSize}");
        if (AnswerCount < 2) throw new SpotlightException($"at least two answers are needed, got {AnswerCount}");
        if (EmbedDim <= 0 || HiddenDim <= 0 || AttentionDim <= 0) throw new SpotlightException("VQA dimensions must be positive");
        if (Hops is < 1 or > 8) throw new SpotlightException($"--hops must be between 1 and 8, got {Hops}");
        if (Model == VqaModelKind.CoAttention && (Heads < 1 || HiddenDim % Heads != 0))
            throw new SpotlightException($"co-attention heads ({Heads}) must divide the hidden size ({HiddenDim})");
        if (Dropout is < 0 or >= 1) throw new SpotlightException($"dropout must be in [0, 1), got {Dropout}");
        if ((RelativePositions || Counting || AnswerFromLastHop) && Model != VqaModelKind.StackedAttention)
            throw new SpotlightException("relative positions, counting and answering from the last hop belong to the stacked attention hops; the other models have none");
        if (MaxQuestionWords < 1) throw new SpotlightException($"the question length limit must be positive, got {MaxQuestionWords}");
        if (Pretrained is not null)
        {
            if (Pretrained.TrainableBlocks != 0) throw new SpotlightException("a VQA model keeps its pretrained encoder frozen (no fine-tuned blocks)");
            Pretrained.Validate();
        }
        else Encoder.Validate();
    }
}
