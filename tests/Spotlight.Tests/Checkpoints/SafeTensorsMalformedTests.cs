using Spotlight.Checkpoints;
using static TorchSharp.torch;

namespace Spotlight.Tests.Checkpoints;

public class SafeTensorsMalformedTests
{
    private const string Source = "bad.safetensors";

    private static string F32(string name, string shape, long begin, long end) =>
        $$"""
        "{{name}}":{"dtype":"F32","shape":{{shape}},"data_offsets":[{{begin}},{{end}}]}
        """;

    /// <summary>Each case: a label, the file's bytes, and a phrase the one-line message must contain.</summary>
    public static TheoryData<string, byte[], string> Cases() => new()
    {
        { "empty file", [], "empty" },
        { "shorter than the length prefix", [1, 2, 3], "too short" },
        { "header length beyond the file", [.. TestFiles.LittleEndian(1000), .. "{}"u8.ToArray()], "only 2 bytes follow" },
        { "header length over 100 MB", [.. TestFiles.LittleEndian(200UL << 20), .. "{}"u8.ToArray()], "100 MB" },
        { "header length 2^64-1", [.. TestFiles.LittleEndian(ulong.MaxValue), 0], "100 MB" },
        { "header not starting with {", TestFiles.Build(" {}"), "does not start with '{'" },
        { "bad JSON", TestFiles.Build("""{"a":{"dtype":"F32",""", 0, 0, 0, 0), "not valid JSON" },
        { "trailing garbage after JSON", TestFiles.Build("{}}"), "not valid JSON" },
        { "invalid UTF-8", TestFiles.Build([(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []), "not valid UTF-8" },
        { "tensor entry is an array", TestFiles.Build("""{"a":[1]}"""), "not a JSON object" },
        { "offsets beyond the data", TestFiles.Build($"{{{F32("a", "[4]", 0, 16)}}}", new byte[8]), "only 8 bytes" },
        { "file truncated inside the data", TestFiles.Build($"{{{F32("a", "[2]", 0, 8)}}}", new byte[5]), "truncated" },
        { "overlapping offsets", TestFiles.Build($"{{{F32("a", "[2]", 0, 8)},{F32("b", "[2]", 4, 12)}}}", new byte[12]), "overlaps" },
        { "identical offsets", TestFiles.Build($"{{{F32("a", "[1]", 0, 4)},{F32("b", "[1]", 0, 4)}}}", new byte[4]), "overlaps" },
        { "a gap between tensors", TestFiles.Build($"{{{F32("a", "[1]", 0, 4)},{F32("b", "[1]", 8, 12)}}}", new byte[12]), "gap" },
        { "trailing bytes after the last tensor", TestFiles.Build($"{{{F32("a", "[1]", 0, 4)}}}", new byte[9]), "trailing" },
        { "byte length does not match the shape", TestFiles.Build($"{{{F32("a", "[3]", 0, 8)}}}", new byte[8]), "needs 12 bytes" },
        { "end before begin", TestFiles.Build($"{{{F32("a", "[0]", 8, 4)}}}", new byte[8]), "end before" },
        { "negative offset", TestFiles.Build($"{{{F32("a", "[1]", -4, 0)}}}", new byte[4]), "non-negative integer" },
        { "fractional dimension", TestFiles.Build("""{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", new byte[4]), "non-negative integer" },
        { "shape overflow", TestFiles.Build("""{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}""", new byte[4]), "overflows" },
        { "three offsets", TestFiles.Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}""", new byte[4]), "[begin, end]" },
        { "missing dtype", TestFiles.Build("""{"a":{"shape":[1],"data_offsets":[0,4]}}""", new byte[4]), "dtype" },
        { "unknown dtype", TestFiles.Build("""{"a":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}""", new byte[4]), "unsupported dtype 'F31'" },
        { "spec dtype Spotlight does not read", TestFiles.Build("""{"a":{"dtype":"U16","shape":[2],"data_offsets":[0,4]}}""", new byte[4]), "unsupported dtype 'U16'" },
        { "lower-case dtype", TestFiles.Build("""{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}""", new byte[4]), "unsupported dtype" },
        { "unknown field", TestFiles.Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}""", new byte[4]), "unexpected" },
        { "duplicate tensor names", TestFiles.Build($"{{{F32("a", "[1]", 0, 4)},{F32("a", "[1]", 4, 8)}}}", new byte[8]), "twice" },
        { "duplicate __metadata__", TestFiles.Build("""{"__metadata__":{},"__metadata__":{}}"""), "twice" },
        { "duplicate metadata key", TestFiles.Build("""{"__metadata__":{"k":"1","k":"2"}}"""), "twice" },
        { "non-string metadata value", TestFiles.Build("""{"__metadata__":{"k":1}}"""), "not a string" },
        { "BOOL byte other than 0 or 1", TestFiles.Build("""{"a":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}""", 1, 2), "other than 0 and 1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_malformed_file_gives_one_line_naming_the_file_and_the_problem(string label, byte[] bytes, string phrase)
    {
        var error = Assert.Throws<SpotlightException>(() => SafeTensors.Read(bytes, Source));  // exactly this type
        Assert.StartsWith(Source + ": ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(error.Message.Contains(phrase, StringComparison.Ordinal), $"{label}: '{error.Message}' lacks '{phrase}'");
    }

    [Fact]
    public void A_malformed_file_on_disk_is_named_by_its_path()
    {
        using var dir = new TempDirectory();
        var path = dir.File("broken.safetensors");
        File.WriteAllBytes(path, [.. TestFiles.LittleEndian(64), .. "{}"u8.ToArray()]);
        var error = Assert.Throws<SpotlightException>(() => SafeTensors.Read(path));
        Assert.StartsWith(path + ": ", error.Message);
        var missing = Assert.Throws<SpotlightException>(() => SafeTensors.Read(dir.File("absent.safetensors")));
        Assert.Contains("not found", missing.Message);
    }

    [Fact]
    public void Random_corruption_of_a_valid_file_never_escapes_as_another_exception_type()
    {
        var valid = SafeTensors.ToBytes(new Dictionary<string, Tensor>
        {
            ["w"] = arange(6, ScalarType.Float32).reshape(2, 3),
            ["n"] = tensor(new[] { 1L, 2L }),
            ["flags"] = tensor(new[] { true, false }),
        }, new Dictionary<string, string> { ["k"] = "v" });
        var random = new Random(1234);
        int rejected = 0, accepted = 0;
        for (var trial = 0; trial < 400; trial++)
        {
            var bytes = (byte[])valid.Clone();
            switch (trial % 4)
            {
                case 0: bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8)); break;      // flip a bit
                case 1: bytes = bytes[..random.Next(bytes.Length)]; break;                           // truncate
                case 2: bytes[random.Next(8, 8 + 120)] = (byte)random.Next(32, 127); break;          // garble the JSON
                case 3: Array.Copy(TestFiles.LittleEndian((ulong)random.Next(0, 400)), bytes, 8); break;  // wrong N
            }
            try
            {
                using var file = SafeTensors.Read(bytes, "fuzz");
                accepted++;  // e.g. a flipped bit inside a float: still a well-formed file
            }
            catch (SpotlightException e)
            {
                Assert.StartsWith("fuzz: ", e.Message);
                rejected++;
            }
        }
        Assert.True(rejected > 100 && accepted > 10, $"rejected {rejected}, accepted {accepted}");
    }

    [Fact]
    public void The_header_alone_can_be_read_without_loading_tensors()
    {
        var bytes = SafeTensors.ToBytes(new Dictionary<string, Tensor> { ["w"] = zeros(3, 4) },
            new Dictionary<string, string> { ["kind"] = "test" });
        var header = SafeTensors.ReadHeader(new MemoryStream(bytes), "h");
        var entry = Assert.Single(header.Entries);
        Assert.Equal(("w", "F32", 0L, 48L), (entry.Name, entry.DType, entry.Begin, entry.End));
        Assert.Equal(new long[] { 3, 4 }, entry.Shape);
        Assert.Equal("test", header.Metadata["kind"]);
        Assert.Equal(48, header.DataLength);
        Assert.Equal(bytes.Length, header.DataOffset + header.DataLength);
    }
}
