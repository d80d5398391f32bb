using RwAutoscaler.Autoscaler.Recording;
using RwAutoscaler.Policies.Model;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Recording;

public sealed class RecordingFileTests
{
    private static byte[] Bytes(Autoscaler.Recording.Recording recording)
    {
        using var stream = new MemoryStream();
        RecordingFile.Write(recording, stream);
        return stream.ToArray();
    }

    [Fact]
    public void A_recording_survives_a_write_and_read()
    {
        var original = SyntheticRecording.Make(500, i => 50_000 + (i * 100), gap: i => i is > 100 and < 110);

        var back = RecordingFile.Read(Bytes(original), "r.rwrec");

        Assert.Equal(original.Cluster, back.Cluster);
        Assert.Equal(original.Start, back.Start);
        Assert.Equal(original.Step, back.Step);
        Assert.Equal(original.Labels, back.Labels);
        Assert.Equal(original.Series.Length, back.Series.Length);
        for (var i = 0; i < original.Series.Length; i++)
        {
            Assert.Equal(original.Series[i], back.Series[i]);
        }
        for (var i = 0; i < original.Values.Length; i++)
        {
            Assert.Equal(original.Values[i], back.Values[i]); // NaN gaps included
        }
    }

    [Fact]
    public void It_is_compact()
    {
        // 30 days at 15 s: 172,800 steps x 16 series = 22 MB of doubles; smooth series compress well.
        var recording = SyntheticRecording.Make(172_800, i => 50_000 + (10_000 * Math.Sin(i / 5760.0 * Math.PI)));

        var size = Bytes(recording).Length;

        Assert.True(size < 22_118_400 / 2, $"{size} bytes");
    }

    [Fact]
    public void Every_truncation_is_reported_with_the_file_and_an_offset()
    {
        var bytes = Bytes(SyntheticRecording.Make(50, i => 1000));
        for (var length = 0; length < bytes.Length; length += Math.Max(1, length / 7))
        {
            var error = Assert.Throws<RecordingFormatException>(() => RecordingFile.Read(bytes.AsSpan(0, length), "cut.rwrec"));
            Assert.StartsWith("cut.rwrec: offset ", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_flipped_byte_in_a_block_is_caught_by_the_checksum()
    {
        var bytes = Bytes(SyntheticRecording.Make(50, i => 1000 + i));
        bytes[^20] ^= 0x5A; // inside the last series block

        var error = Assert.Throws<RecordingFormatException>(() => RecordingFile.Read(bytes, "bad.rwrec"));

        Assert.Matches(@"^bad\.rwrec: offset \d+: series 15 \(compactor/l0WriteStop\) is corrupt", error.Message);
    }

    [Fact]
    public void An_unknown_version_is_refused_by_number()
    {
        var bytes = Bytes(SyntheticRecording.Make(5, i => 1000));
        bytes[6] = 9;

        var error = Assert.Throws<RecordingFormatException>(() => RecordingFile.Read(bytes, "new.rwrec"));

        Assert.Equal("new.rwrec: offset 6: format version 9 is not supported; this autoscaler reads version 1", error.Message);
    }

    [Theory]
    [InlineData("not a recording at all", "offset 0: not a recording")]
    [InlineData("", "offset 0: not a recording")]
    public void Other_files_are_not_recordings(string content, string expected)
    {
        var error = Assert.Throws<RecordingFormatException>(() => RecordingFile.Read(System.Text.Encoding.UTF8.GetBytes(content), "x.txt"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_header_names_the_field()
    {
        var recording = SyntheticRecording.Make(5, i => 1000);
        var bytes = Bytes(recording);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var patched = System.Text.Encoding.UTF8.GetBytes(text.Replace("\"busyRatio\"", "\"busyRati-\"", StringComparison.Ordinal));

        var error = Assert.Throws<RecordingFormatException>(() => RecordingFile.Read(patched, "h.rwrec"));

        Assert.Contains("h.rwrec: offset 12: header.series[5].signal: expected a catalogue signal (ingestRate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Series_are_found_by_component_kind_and_signal()
    {
        var recording = SyntheticRecording.Make(5, i => 1000);

        Assert.NotNull(recording.Find(ComponentKey.Compute, SeriesKind.Signal, Signal.BusyRatio));
        Assert.Null(recording.Find(ComponentKey.Compactor, SeriesKind.Signal, Signal.BusyRatio));
        Assert.Equal(4, recording.Find(ComponentKey.Compute, SeriesKind.TargetReplicas)![0]);
    }
}
