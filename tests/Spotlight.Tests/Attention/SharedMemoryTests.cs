using Spotlight.Attention;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Attention;

/// <summary>
/// Beam search reorders rows every step; a memory kept once per item (its beams attending as several queries of
/// that item) must give what the old per-row copy gave, and must not be copied when items keep their places.
/// </summary>
public class SharedMemoryTests
{
    private static (nn.Module Module, IStepAttention Attention, Tensor Memory, Tensor Mask, Generator G) Setup(string name)
    {
        var g = new Generator(42);
        var c = AttentionCases.Get(name);
        var module = c.Create(g);
        module.eval();
        var memory = torch.randn([3, 5, c.KeyDim], generator: g);                  // 3 items, 5 positions
        var mask = torch.tensor(new[,] { { true, true, true, true, true }, { true, true, true, false, false }, { true, false, true, true, true } });
        return (module, (IStepAttention)module, memory, mask, g);
    }

    /// <summary>The old behaviour: one copy of the memory per row.</summary>
    private static AttentionMemory PerRow(AttentionMemory prepared, long[] items)
    {
        using var index = torch.tensor(items);
        return new AttentionMemory(prepared.Values.index_select(0, index), prepared.Keys.index_select(0, index), prepared.Mask?.index_select(0, index));
    }

    private static void AssertSame((Tensor Context, Tensor Weights) expected, (Tensor Context, Tensor Weights) actual)
    {
        Assert.Equal(expected.Context.shape, actual.Context.shape);
        Assert.True(actual.Context.allclose(expected.Context, rtol: 1e-5, atol: 1e-6), "contexts differ");
        Assert.True(actual.Weights.allclose(expected.Weights, rtol: 1e-5, atol: 1e-6), "weights differ");
    }

    [Theory]
    [MemberData(nameof(AttentionCases.Names), MemberType = typeof(AttentionCases))]
    public void Beams_attend_to_their_item_as_a_per_row_copy_would(string name)
    {
        var (module, attention, memory, mask, g) = Setup(name);
        using var _ = module;
        var prepared = attention.Prepare(memory, mask);
        int queryDim = AttentionCases.Get(name).QueryDim;

        // Expansion to 2 beams per item: the items stay in place, so nothing is copied.
        var expanded = prepared.Select(torch.tensor(new long[] { 0, 0, 1, 1, 2, 2 }));
        Assert.Equal(2, expanded.RowsPerItem);
        Assert.Same(prepared.Values, expanded.Values);
        var query = torch.randn([6, queryDim], generator: g);
        AssertSame(attention.Attend(PerRow(prepared, [0, 0, 1, 1, 2, 2]), query), attention.Attend(expanded, query));

        // Item 1 finishes; the beams of items 0 and 2 are reordered within their blocks.
        var reordered = expanded.Select(torch.tensor(new long[] { 1, 0, 5, 5 }));
        Assert.Equal(2, reordered.RowsPerItem);
        Assert.Equal(2, reordered.Values.shape[0]);
        var query2 = torch.randn([4, queryDim], generator: g);
        AssertSame(attention.Attend(PerRow(prepared, [0, 0, 2, 2]), query2), attention.Attend(reordered, query2));

        // Rows that do not come in equal blocks (greedy dropping and reordering rows) get one copy per row.
        var ragged = prepared.Select(torch.tensor(new long[] { 2, 0, 0 }));
        Assert.Equal(1, ragged.RowsPerItem);
        var query3 = torch.randn([3, queryDim], generator: g);
        AssertSame(attention.Attend(PerRow(prepared, [2, 0, 0]), query3), attention.Attend(ragged, query3));
    }

    [Fact]
    public void A_query_count_that_does_not_fit_the_memory_is_refused()
    {
        var (module, attention, memory, mask, _) = Setup("additive");
        using var _ = module;
        var expanded = attention.Prepare(memory, mask).Select(torch.tensor(new long[] { 0, 0, 1, 1, 2, 2 }));
        Assert.Throws<SpotlightException>(() => attention.Attend(expanded, torch.randn(3, 3)));
    }
}
