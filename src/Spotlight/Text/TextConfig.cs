namespace Spotlight.Text;

/// <summary>
/// Caption text settings, saved with the model.
/// MaxLength counts words only: a longer caption keeps its first MaxLength words (the rest is dropped, so the
/// model still learns to end it), and the decoder sequence is at most MaxLength + 2 with &lt;start&gt; and &lt;end&gt;.
/// Words seen fewer than MinCount times in the training captions become &lt;unk&gt;.
/// </summary>
public sealed record TextConfig(int MaxLength = 24, int MinCount = 1)
{
    public void Validate()
    {
        if (MaxLength < 1 || MaxLength > 1000) throw new SpotlightException($"caption MaxLength must be between 1 and 1000, got {MaxLength}");
        if (MinCount < 1) throw new SpotlightException($"vocabulary MinCount must be at least 1, got {MinCount}");
    }
}
