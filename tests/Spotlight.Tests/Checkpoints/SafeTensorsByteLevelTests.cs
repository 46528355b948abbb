using System.Text;
using Spotlight.Checkpoints;
using static TorchSharp.torch;

namespace Spotlight.Tests.Checkpoints;

/// <summary>
/// The independent oracle: files assembled byte by byte from the spec (8-byte little-endian N, N bytes of JSON,
/// data), with every value's IEEE/two's-complement encoding worked out by hand in the comments.
/// </summary>
public class SafeTensorsByteLevelTests
{
    [Fact]
    public void A_hand_built_file_reads_as_the_spec_says()
    {
        // Header keys deliberately not in data order; three trailing spaces (padding is optional for readers).
        const string header = """
            {"__metadata__":{"who":"hand"},"flags":{"dtype":"BOOL","shape":[2],"data_offsets":[22,24]},
            "w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"n":{"dtype":"I64","shape":[],"data_offsets":[8,16]},
            "h":{"dtype":"F16","shape":[1],"data_offsets":[16,18]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[18,20]},
            "s":{"dtype":"I16","shape":[1,1],"data_offsets":[20,22]},"e":{"dtype":"F64","shape":[3,0],"data_offsets":[24,24]}}   
            """;
        byte[] data =
        [
            0x00, 0x00, 0x80, 0x3F,  0x00, 0x00, 0x20, 0xC0,   // w: 1.0f = 0x3F800000, -2.5f = 0xC0200000
            0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,    // n: -3 as int64 two's complement
            0x00, 0xC0,                                        // h: -2.0 in binary16 = sign 1, exponent 10000 → 0xC000
            0x00, 0x3F,                                        // b: 0.5 in bfloat16 = top half of 0x3F000000
            0x02, 0x01,                                        // s: 258 = 0x0102
            0x01, 0x00,                                        // flags: true, false
        ];
        using var file = SafeTensors.Read(TestFiles.Build(header, data), "hand.safetensors");

        Assert.Equal("hand", file.Metadata["who"]);
        Assert.Equal(new[] { 1.0f, -2.5f }, file.Tensors["w"].data<float>().ToArray());
        Assert.Empty(file.Tensors["n"].shape);
        Assert.Equal(-3L, file.Tensors["n"].item<long>());
        Assert.Equal(ScalarType.Float16, file.Tensors["h"].dtype);
        Assert.Equal(-2.0f, file.Tensors["h"].to_type(ScalarType.Float32).item<float>());
        Assert.Equal(ScalarType.BFloat16, file.Tensors["b"].dtype);
        Assert.Equal(0.5f, file.Tensors["b"].to_type(ScalarType.Float32).item<float>());
        Assert.Equal(new long[] { 1, 1 }, file.Tensors["s"].shape);
        Assert.Equal((short)258, file.Tensors["s"].item<short>());
        Assert.Equal(new[] { true, false }, file.Tensors["flags"].data<bool>().ToArray());
        Assert.Equal(new long[] { 3, 0 }, file.Tensors["e"].shape);
        Assert.Equal(ScalarType.Float64, file.Tensors["e"].dtype);
    }

    [Fact]
    public void The_writer_produces_exactly_the_bytes_the_spec_and_reference_layout_give()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["b"] = tensor(new[] { 1.0f }),
            ["c"] = tensor(new byte[] { 1, 2, 3 }),
            ["a"] = tensor(2L),
        };
        var bytes = SafeTensors.ToBytes(tensors, new Dictionary<string, string> { ["k"] = "v" });

        // Reference layout: larger element size first, then by name: a (I64, 8 bytes), b (F32, 4), c (U8, 3).
        const string json = """{"__metadata__":{"k":"v"},"a":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"c":{"dtype":"U8","shape":[3],"data_offsets":[12,15]}}""";
        // 186 bytes of JSON; padded with 6 spaces to 192, the next multiple of 8.
        Assert.Equal(186, json.Length);
        var header = Encoding.UTF8.GetBytes(json + "      ");
        byte[] data =
        [
            0x02, 0, 0, 0, 0, 0, 0, 0,     // a = 2
            0x00, 0x00, 0x80, 0x3F,        // b = 1.0f
            0x01, 0x02, 0x03,              // c
        ];
        Assert.Equal(TestFiles.Build(header, data), bytes);
    }

    [Fact]
    public void A_file_with_no_tensors_and_only_metadata_is_valid()
    {
        using var file = SafeTensors.Read(TestFiles.Build("""{"__metadata__":{"a":"b"}}"""), "meta-only");
        Assert.Empty(file.Tensors);
        Assert.Equal("b", file.Metadata["a"]);
    }
}
