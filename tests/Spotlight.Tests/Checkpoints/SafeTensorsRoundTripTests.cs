using Spotlight.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Checkpoints;

public class SafeTensorsRoundTripTests
{
    private static Dictionary<string, Tensor> EveryDType() => new()
    {
        ["f32"] = tensor(new[] { 1.5f, -0f, float.MaxValue, float.Epsilon, float.NaN, float.NegativeInfinity }),
        ["f64"] = tensor(new[] { Math.PI, -1e-300, double.MinValue }).reshape(3, 1),
        ["f16"] = tensor(new[] { 0.5f, -65504f, 1f / 1024 }).to_type(ScalarType.Float16),
        ["bf16"] = tensor(new[] { 3f, -0.0078125f }).to_type(ScalarType.BFloat16),
        ["i64"] = tensor(new[] { long.MinValue, -1L, long.MaxValue }),
        ["i32"] = tensor(new[] { int.MinValue, 7, int.MaxValue }).reshape(1, 3, 1),
        ["i16"] = tensor(new short[] { short.MinValue, -2, short.MaxValue }),
        ["i8"] = tensor(new sbyte[] { -128, 0, 127 }),
        ["u8"] = tensor(new byte[] { 0, 128, 255, 1 }).reshape(2, 2),
        ["bool"] = tensor(new[] { true, false, true }),
        ["empty"] = zeros(new long[] { 0, 5 }),
        ["scalar"] = tensor(42.25f),
    };

    [Fact]
    public void Every_dtype_empty_and_scalar_tensors_round_trip_bit_for_bit()
    {
        using var dir = new TempDirectory();
        var path = dir.File("all.safetensors");
        var tensors = EveryDType();
        var metadata = new Dictionary<string, string> { ["note"] = "ünïcode \"quoted\" {json}", ["empty"] = "" };

        SafeTensors.Write(path, tensors, metadata);
        using var file = SafeTensors.Read(path);

        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(tensors.Keys.Order(), file.Tensors.Keys.Order());
        foreach (var (name, expected) in tensors)
        {
            var actual = file.Tensors[name];
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.Equal(DeviceType.CPU, actual.device_type);
            Assert.Equal(TestFiles.Bytes(expected), TestFiles.Bytes(actual));
        }
        Assert.Empty(file.Tensors["scalar"].shape);
        Assert.Equal(42.25f, file.Tensors["scalar"].item<float>());
        Assert.Equal(new long[] { 0, 5 }, file.Tensors["empty"].shape);
    }

    [Fact]
    public void Bytes_and_streams_round_trip_like_files()
    {
        var tensors = EveryDType();
        var bytes = SafeTensors.ToBytes(tensors);
        using var fromBytes = SafeTensors.Read(bytes);
        using var fromStream = SafeTensors.Read(new NonSeekableStream(bytes), "pipe");
        foreach (var (name, expected) in tensors)
        {
            Assert.Equal(TestFiles.Bytes(expected), TestFiles.Bytes(fromBytes.Tensors[name]));
            Assert.Equal(TestFiles.Bytes(expected), TestFiles.Bytes(fromStream.Tensors[name]));
        }
        Assert.Empty(fromBytes.Metadata);  // no metadata given: no __metadata__ written, empty map read
    }

    [Fact]
    public void Header_is_padded_to_8_bytes_and_every_tensor_is_aligned_to_its_element_size()
    {
        // Names chosen so that plain name order would put a 1-byte tensor before an 8-byte one.
        var tensors = new Dictionary<string, Tensor>
        {
            ["a_byte"] = tensor(new byte[] { 1, 2, 3 }),
            ["b_double"] = tensor(new[] { 1.0, 2.0 }),
            ["c_half"] = tensor(new[] { 1f }).to_type(ScalarType.Float16),
            ["d_float"] = tensor(new[] { 1f, 2f, 3f }),
        };
        var bytes = SafeTensors.ToBytes(tensors, new Dictionary<string, string> { ["x"] = "y" });
        var headerLength = BitConverter.ToUInt64(bytes, 0);
        Assert.Equal(0UL, headerLength % 8);
        var headerText = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        var padding = headerText.Length - headerText.TrimEnd(' ').Length;
        Assert.InRange(padding, 0, 7);                        // only as many spaces as alignment needs
        Assert.EndsWith("}", headerText.TrimEnd(' '));

        var header = SafeTensors.ReadHeader(new MemoryStream(bytes), "aligned");
        var sizes = new Dictionary<string, long> { ["a_byte"] = 1, ["b_double"] = 8, ["c_half"] = 2, ["d_float"] = 4 };
        foreach (var entry in header.Entries)
            Assert.Equal(0, (header.DataOffset + entry.Begin) % sizes[entry.Name]);
        Assert.Equal(new[] { "b_double", "d_float", "c_half", "a_byte" }, header.Entries.Select(e => e.Name));
    }

    [Fact]
    public void Tensors_that_are_views_or_require_grad_are_written_as_their_values()
    {
        var weight = arange(12, ScalarType.Float32).reshape(3, 4).requires_grad_(true);
        var transposed = arange(6, ScalarType.Int64).reshape(2, 3).t();  // not contiguous
        using var file = SafeTensors.Read(SafeTensors.ToBytes(new Dictionary<string, Tensor>
        {
            ["w"] = weight, ["t"] = transposed,
        }));
        Assert.Equal(new long[] { 0, 3, 1, 4, 2, 5 }, file.Tensors["t"].data<long>().ToArray());
        Assert.Equal(TestFiles.Bytes(weight), TestFiles.Bytes(file.Tensors["w"]));
        Assert.False(file.Tensors["w"].requires_grad);
    }

    [Fact]
    public void Unsupported_tensor_types_and_reserved_names_are_refused_before_writing()
    {
        using var dir = new TempDirectory();
        var path = dir.File("never.safetensors");
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path,
            new Dictionary<string, Tensor> { ["c"] = zeros(2, ScalarType.ComplexFloat32) }));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path,
            new Dictionary<string, Tensor> { ["__metadata__"] = zeros(2) }));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    /// <summary>A stream that cannot seek, like a pipe, to exercise the copy-to-memory path.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
