using RwAutoscaler.Policies.Configuration;
using System.Collections.Immutable;
using System.Text.Json;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.Json;

/// <summary>
/// Reads and writes observations in the documented JSON contract (docs/formats.md). Readers validate every
/// field and name its path in errors; unknown fields are rejected so that typos do not pass silently.
/// </summary>
public static class ObservationJson
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static ClusterObservation Parse(string json)
    {
        using var document = Document(json);
        return Read(document.RootElement, "");
    }

    public static ClusterObservation Read(JsonElement root, string path)
    {
        JsonRead.Object(root, path.Length == 0 ? "(root)" : path);
        Known(root, path, "cluster", "time", "components");
        var components = ImmutableArray.CreateBuilder<ComponentObservation>();
        var index = 0;
        foreach (var item in JsonRead.Array(JsonRead.Required(root, "components", path), JsonRead.Join(path, "components")))
        {
            components.Add(ReadComponent(item, $"{JsonRead.Join(path, "components")}[{index++}]"));
        }

        return new ClusterObservation
        {
            Cluster = JsonRead.String(JsonRead.Required(root, "cluster", path), JsonRead.Join(path, "cluster")),
            Time = JsonRead.Time(JsonRead.Required(root, "time", path), JsonRead.Join(path, "time")),
            Components = components.ToImmutable(),
        };
    }

    public static void Write(Utf8JsonWriter writer, ClusterObservation observation)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(observation);
        writer.WriteStartObject();
        writer.WriteString("cluster", observation.Cluster);
        writer.WriteString("time", observation.Time);
        writer.WriteStartArray("components");
        foreach (var component in observation.Components)
        {
            writer.WriteStartObject();
            writer.WriteString("component", component.Key.Kind.ToName());
            writer.WriteString("group", component.Key.Group);
            writer.WriteNumber("targetReplicas", component.TargetReplicas);
            writer.WriteNumber("currentReplicas", component.CurrentReplicas);
            writer.WriteNumber("readyReplicas", component.ReadyReplicas);
            writer.WriteBoolean("rescaleInProgress", component.RescaleInProgress);
            if (component.CoresPerReplica is { } cores)
            {
                writer.WriteNumber("coresPerReplica", cores);
            }

            writer.WriteStartObject("signals");
            foreach (var signal in Enum.GetValues<Signal>())
            {
                var window = component.Signals[signal];
                if (window.IsEmpty)
                {
                    continue;
                }

                writer.WriteStartArray(signal.ToName());
                foreach (var sample in window.Samples)
                {
                    WriteSample(writer, sample);
                }

                writer.WriteEndArray();
            }

            foreach (var custom in component.Signals.CustomSignals)
            {
                writer.WriteStartArray(custom.Name);
                foreach (var sample in custom.Window.Samples)
                {
                    WriteSample(writer, sample);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            if (!component.Pods.IsDefaultOrEmpty)
            {
                writer.WriteStartArray("pods");
                foreach (var pod in component.Pods)
                {
                    WritePod(writer, pod);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    internal static JsonDocument Document(string json)
    {
        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new JsonFormatException($"not valid JSON: {e.Message}", e);
        }
    }

    internal static void Known(JsonElement obj, string path, params string[] names)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (Array.IndexOf(names, property.Name) < 0)
            {
                throw new JsonFormatException($"{JsonRead.Join(path, property.Name)}: unknown field; expected one of {string.Join(", ", names)}");
            }
        }
    }

    internal static ComponentKey ReadKey(JsonElement obj, string path)
    {
        var name = JsonRead.String(JsonRead.Required(obj, "component", path), JsonRead.Join(path, "component"));
        if (!ComponentKindNames.TryParse(name, out var kind))
        {
            throw new JsonFormatException($"{JsonRead.Join(path, "component")}: expected compute or compactor, got \"{name}\"");
        }

        var group = JsonRead.Optional(obj, "group") is { } g ? JsonRead.String(g, JsonRead.Join(path, "group")) : "";
        return new ComponentKey(kind, group);
    }

    internal static void WriteSample(Utf8JsonWriter writer, Sample sample)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(sample.Time);
        WriteNumber(writer, sample.Value);
        writer.WriteEndArray();
    }

    /// <summary>JSON has no NaN or infinity: they are written as Prometheus writes them, as strings.</summary>
    internal static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf");
        }
    }

    private static ComponentObservation ReadComponent(JsonElement item, string path)
    {
        JsonRead.Object(item, path);
        Known(item, path, "component", "group", "targetReplicas", "currentReplicas", "readyReplicas", "rescaleInProgress", "coresPerReplica", "signals", "pods");
        var target = JsonRead.Integer(JsonRead.Required(item, "targetReplicas", path), JsonRead.Join(path, "targetReplicas"));
        int Optional(string name, int fallback) =>
            JsonRead.Optional(item, name) is { } value ? JsonRead.Integer(value, JsonRead.Join(path, name)) : fallback;

        double? cores = null;
        if (JsonRead.Optional(item, "coresPerReplica") is { } coresValue)
        {
            cores = JsonRead.Number(coresValue, JsonRead.Join(path, "coresPerReplica"));
            if (!(cores > 0) || !double.IsFinite(cores.Value))
            {
                throw new JsonFormatException($"{JsonRead.Join(path, "coresPerReplica")}: expected a positive number, got {cores}");
            }
        }

        return new ComponentObservation
        {
            Key = ReadKey(item, path),
            TargetReplicas = target,
            CurrentReplicas = Optional("currentReplicas", target),
            ReadyReplicas = Optional("readyReplicas", target),
            RescaleInProgress = JsonRead.Optional(item, "rescaleInProgress") is { } flag && JsonRead.Boolean(flag, JsonRead.Join(path, "rescaleInProgress")),
            CoresPerReplica = cores,
            Signals = JsonRead.Optional(item, "signals") is { } signals ? ReadSignals(signals, JsonRead.Join(path, "signals")) : SignalSet.Empty,
            Pods = JsonRead.Optional(item, "pods") is { } pods ? ReadPods(pods, JsonRead.Join(path, "pods")) : [],
        };
    }

    private static SignalSet ReadSignals(JsonElement obj, string path)
    {
        JsonRead.Object(obj, path);
        var windows = new List<KeyValuePair<Signal, SignalWindow>>();
        var custom = ImmutableArray.CreateBuilder<CustomWindow>();
        foreach (var property in obj.EnumerateObject())
        {
            var signalPath = JsonRead.Join(path, property.Name);
            if (!CustomSignalSpec.IsName(property.Name))
            {
                throw new JsonFormatException($"{signalPath}: expected a catalogue signal ({string.Join(", ", SignalNames.All)}) or a custom signal's name (a letter, then letters and digits)");
            }

            var samples = new List<Sample>();
            var index = 0;
            foreach (var pair in JsonRead.Array(property.Value, signalPath))
            {
                var sample = ReadSample(pair, $"{signalPath}[{index++}]");
                if (samples.Count > 0 && sample.Time < samples[^1].Time)
                {
                    throw new JsonFormatException($"{signalPath}[{index - 1}]: samples must be in time order; {TimeText.Rfc3339(sample.Time)} is before {TimeText.Rfc3339(samples[^1].Time)}");
                }

                samples.Add(sample);
            }

            if (SignalNames.TryParse(property.Name, out var signal))
            {
                windows.Add(new(signal, new SignalWindow(samples.ToArray())));
            }
            else
            {
                // The unit is the spec's: the host that has the spec fills it in.
                custom.Add(new CustomWindow(property.Name, "", new SignalWindow(samples.ToArray())));
            }
        }

        return SignalSet.From(windows).WithCustom(custom.ToImmutable());
    }

    private static Sample ReadSample(JsonElement pair, string path)
    {
        if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
        {
            throw new JsonFormatException($"{path}: expected [time, value]");
        }

        return new Sample(JsonRead.Time(pair[0], path + "[0]"), JsonRead.Number(pair[1], path + "[1]"));
    }

    private static ImmutableArray<PodObservation> ReadPods(JsonElement array, string path)
    {
        var pods = ImmutableArray.CreateBuilder<PodObservation>();
        var index = 0;
        foreach (var item in JsonRead.Array(array, path))
        {
            var podPath = $"{path}[{index++}]";
            JsonRead.Object(item, podPath);
            Known(item, podPath, "name", "phase", "ready", "deleting", "startTime", "readyTransitionTime", "values");
            var phaseName = JsonRead.Optional(item, "phase") is { } p ? JsonRead.String(p, JsonRead.Join(podPath, "phase")) : "Running";
            var phase = phaseName switch
            {
                "Running" => PodPhase.Running,
                "Pending" => PodPhase.Pending,
                "Failed" => PodPhase.Failed,
                _ => throw new JsonFormatException($"{JsonRead.Join(podPath, "phase")}: expected Running, Pending or Failed, got \"{phaseName}\""),
            };
            var values = new Dictionary<Signal, Sample>();
            if (JsonRead.Optional(item, "values") is { } valuesObj)
            {
                JsonRead.Object(valuesObj, JsonRead.Join(podPath, "values"));
                foreach (var property in valuesObj.EnumerateObject())
                {
                    var valuePath = JsonRead.Join(JsonRead.Join(podPath, "values"), property.Name);
                    if (!SignalNames.TryParse(property.Name, out var signal))
                    {
                        throw new JsonFormatException($"{valuePath}: unknown signal; expected one of {string.Join(", ", SignalNames.All)}");
                    }

                    values[signal] = ReadSample(property.Value, valuePath);
                }
            }

            DateTimeOffset? OptionalTime(string name) =>
                JsonRead.Optional(item, name) is { } t ? JsonRead.Time(t, JsonRead.Join(podPath, name)) : null;

            pods.Add(new PodObservation
            {
                Name = JsonRead.String(JsonRead.Required(item, "name", podPath), JsonRead.Join(podPath, "name")),
                Phase = phase,
                Ready = JsonRead.Optional(item, "ready") is not { } r || JsonRead.Boolean(r, JsonRead.Join(podPath, "ready")),
                Deleting = JsonRead.Optional(item, "deleting") is { } d && JsonRead.Boolean(d, JsonRead.Join(podPath, "deleting")),
                StartTime = OptionalTime("startTime"),
                ReadyTransitionTime = OptionalTime("readyTransitionTime"),
                Values = values,
            });
        }

        return pods.ToImmutable();
    }

    private static void WritePod(Utf8JsonWriter writer, PodObservation pod)
    {
        writer.WriteStartObject();
        writer.WriteString("name", pod.Name);
        writer.WriteString("phase", pod.Phase.ToString());
        writer.WriteBoolean("ready", pod.Ready);
        if (pod.Deleting)
        {
            writer.WriteBoolean("deleting", true);
        }

        if (pod.StartTime is { } start)
        {
            writer.WriteString("startTime", start);
        }

        if (pod.ReadyTransitionTime is { } transition)
        {
            writer.WriteString("readyTransitionTime", transition);
        }

        writer.WriteStartObject("values");
        foreach (var (signal, sample) in pod.Values.OrderBy(v => v.Key))
        {
            writer.WritePropertyName(signal.ToName());
            WriteSample(writer, sample);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
