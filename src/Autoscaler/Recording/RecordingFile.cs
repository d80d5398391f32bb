using System.Buffers.Binary;
using System.Collections.Immutable;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Json;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Recording;

/// <summary>
/// Reads and writes recordings in the binary format of docs/recording-format.md: a magic, a version, a JSON
/// header, one zlib-compressed block of little-endian doubles per series (zlib's Adler-32 catches corruption),
/// and a trailer that catches truncation. Every read error names the file and the byte offset.
/// </summary>
public static class RecordingFile
{
    private static readonly byte[] Magic = "RWREC\n"u8.ToArray();
    private static readonly byte[] Trailer = "RWEND\n"u8.ToArray();

    public static void Write(Recording recording, Stream output)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(output);
        Span<byte> number = stackalloc byte[4];
        output.Write(Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(number, Recording.FormatVersion);
        output.Write(number[..2]);
        var header = Header(recording);
        BinaryPrimitives.WriteUInt32LittleEndian(number, (uint)header.Length);
        output.Write(number);
        output.Write(header);
        foreach (var values in recording.Values)
        {
            if (values.Length != recording.Count)
            {
                throw new ArgumentException($"every series must hold {recording.Count} values", nameof(recording));
            }

            using var compressed = new MemoryStream();
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                WriteDoubles(zlib, values);
            }

            BinaryPrimitives.WriteUInt32LittleEndian(number, (uint)compressed.Length);
            output.Write(number);
            compressed.Position = 0;
            compressed.CopyTo(output);
        }

        output.Write(Trailer);
        BinaryPrimitives.WriteUInt32LittleEndian(number, (uint)recording.Series.Length);
        output.Write(number);
    }

    public static void Write(Recording recording, string path)
    {
        using var file = File.Create(path);
        Write(recording, file);
    }

    public static Recording Read(string path)
    {
        var name = Path.GetFileName(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RecordingFormatException($"{name}: cannot read: {e.Message}", e);
        }

        return Read(bytes, name);
    }

    public static Recording Read(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < Magic.Length + 6 || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw RecordingFormatException.At(name, 0, "not a recording (it does not start with the RWREC magic)");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
        if (version != Recording.FormatVersion)
        {
            throw RecordingFormatException.At(name, 6, $"format version {version} is not supported; this autoscaler reads version {Recording.FormatVersion}");
        }

        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        var offset = 12L;
        if (headerLength > bytes.Length - offset)
        {
            throw RecordingFormatException.At(name, 8, $"the header needs {headerLength} bytes but only {bytes.Length - offset} follow (truncated?)");
        }

        var (header, series) = ReadHeader(bytes.Slice((int)offset, (int)headerLength), name, offset);
        offset += headerLength;

        var values = ImmutableArray.CreateBuilder<double[]>(series.Length);
        for (var i = 0; i < series.Length; i++)
        {
            var what = $"series {i} ({series[i].Name})";
            if (bytes.Length - offset < 4)
            {
                throw RecordingFormatException.At(name, offset, $"{what} is missing: the file ends here (truncated?)");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(int)offset..]);
            offset += 4;
            if (length > bytes.Length - offset)
            {
                throw RecordingFormatException.At(name, offset, $"{what} is truncated: it needs {length} bytes, {bytes.Length - offset} remain");
            }

            values.Add(ReadBlock(bytes.Slice((int)offset, (int)length), header.Count, name, offset, what));
            offset += length;
        }

        if (bytes.Length - offset < Trailer.Length + 4 || !bytes.Slice((int)offset, Trailer.Length).SequenceEqual(Trailer))
        {
            throw RecordingFormatException.At(name, offset, "the file ends without its trailer (truncated or corrupt)");
        }

        var trailerCount = BinaryPrimitives.ReadUInt32LittleEndian(bytes[((int)offset + Trailer.Length)..]);
        if (trailerCount != series.Length)
        {
            throw RecordingFormatException.At(name, offset + Trailer.Length, $"the trailer counts {trailerCount} series, the header {series.Length} (corrupt)");
        }

        offset += Trailer.Length + 4;
        if (offset != bytes.Length)
        {
            throw RecordingFormatException.At(name, offset, $"{bytes.Length - offset} unexpected bytes after the trailer");
        }

        return header with { Series = series, Values = values.MoveToImmutable() };
    }

    private static double[] ReadBlock(ReadOnlySpan<byte> block, int count, string name, long offset, string what)
    {
        var values = new double[count];
        var raw = MemoryMarshal.AsBytes(values.AsSpan());
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(block.ToArray()), CompressionMode.Decompress);
            zlib.ReadExactly(raw);
            if (zlib.ReadByte() != -1)
            {
                throw RecordingFormatException.At(name, offset, $"{what} holds more than the {count} values the header declares (corrupt)");
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw RecordingFormatException.At(name, offset, $"{what} is corrupt: {e.Message}", e);
        }

        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8, 8));
            }
        }

        return values;
    }

    private static void WriteDoubles(Stream stream, double[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        Span<byte> buffer = stackalloc byte[8];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(buffer, value);
            stream.Write(buffer);
        }
    }

    private static byte[] Header(Recording recording)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("cluster", recording.Cluster);
            writer.WriteStartObject("labels");
            foreach (var (key, value) in recording.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteString("start", recording.Start);
            writer.WriteString("step", Durations.Format(recording.Step));
            writer.WriteNumber("count", recording.Count);
            writer.WriteString("source", recording.Source);
            writer.WriteString("recordedAt", recording.RecordedAt);
            writer.WriteStartArray("series");
            foreach (var series in recording.Series)
            {
                writer.WriteStartObject();
                writer.WriteString("component", series.Component.Kind.ToName());
                writer.WriteString("group", series.Component.Group);
                writer.WriteString("kind", SeriesInfo.KindName(series.Kind));
                if (series.Signal is { } signal)
                {
                    writer.WriteString("signal", signal.Name);
                }

                writer.WriteString("query", series.Query);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static (Recording Header, ImmutableArray<SeriesInfo> Series) ReadHeader(ReadOnlySpan<byte> json, string name, long offset)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = JsonRead.Object(document.RootElement, "header");
            var stepText = JsonRead.String(JsonRead.Required(root, "step", "header"), "header.step");
            if (!Durations.TryParse(stepText, out var step) || step <= TimeSpan.Zero)
            {
                throw new JsonFormatException($"header.step: expected a positive duration such as 15s, got \"{stepText}\"");
            }

            var labels = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            if (JsonRead.Optional(root, "labels") is { } labelsObject)
            {
                foreach (var label in JsonRead.Object(labelsObject, "header.labels").EnumerateObject())
                {
                    labels[label.Name] = JsonRead.String(label.Value, $"header.labels.{label.Name}");
                }
            }

            var series = ImmutableArray.CreateBuilder<SeriesInfo>();
            var index = 0;
            foreach (var item in JsonRead.Array(JsonRead.Required(root, "series", "header"), "header.series"))
            {
                series.Add(ReadSeries(item, $"header.series[{index++}]"));
            }

            var header = new Recording
            {
                Cluster = JsonRead.String(JsonRead.Required(root, "cluster", "header"), "header.cluster"),
                Labels = labels.ToImmutable(),
                Start = JsonRead.Time(JsonRead.Required(root, "start", "header"), "header.start"),
                Step = step,
                Count = JsonRead.Integer(JsonRead.Required(root, "count", "header"), "header.count", min: 1),
                Source = JsonRead.Optional(root, "source") is { } source ? JsonRead.String(source, "header.source") : "",
                RecordedAt = JsonRead.Optional(root, "recordedAt") is { } at ? JsonRead.Time(at, "header.recordedAt") : default,
                Series = [],
                Values = [],
            };
            return (header, series.ToImmutable());
        }
        catch (JsonException e)
        {
            throw RecordingFormatException.At(name, offset, $"the header is not valid JSON: {e.Message}", e);
        }
        catch (JsonFormatException e)
        {
            throw RecordingFormatException.At(name, offset, e.Message, e);
        }
    }

    private static SeriesInfo ReadSeries(JsonElement item, string path)
    {
        JsonRead.Object(item, path);
        var componentName = JsonRead.String(JsonRead.Required(item, "component", path), path + ".component");
        if (!ComponentKindNames.TryParse(componentName, out var kind))
        {
            throw new JsonFormatException($"{path}.component: expected compute or compactor, got \"{componentName}\"");
        }

        var group = JsonRead.Optional(item, "group") is { } g ? JsonRead.String(g, path + ".group") : "";
        var kindName = JsonRead.String(JsonRead.Required(item, "kind", path), path + ".kind");
        var seriesKind = kindName switch
        {
            "signal" => SeriesKind.Signal,
            "targetReplicas" => SeriesKind.TargetReplicas,
            "readyReplicas" => SeriesKind.ReadyReplicas,
            "coresPerReplica" => SeriesKind.CoresPerReplica,
            _ => throw new JsonFormatException($"{path}.kind: expected signal, targetReplicas, readyReplicas or coresPerReplica, got \"{kindName}\""),
        };
        SignalRef? signal = null;
        if (seriesKind == SeriesKind.Signal)
        {
            var signalName = JsonRead.String(JsonRead.Required(item, "signal", path), path + ".signal");
            signal = CustomSignalSpec.IsName(signalName)
                ? SignalRef.Custom(signalName)
                : throw new JsonFormatException($"{path}.signal: expected a catalogue signal ({string.Join(", ", SignalNames.All)}) or a custom signal's name, got \"{signalName}\"");
        }

        var query = JsonRead.Optional(item, "query") is { } q ? JsonRead.String(q, path + ".query") : "";
        return new SeriesInfo(new ComponentKey(kind, group), seriesKind, signal, query);
    }
}
